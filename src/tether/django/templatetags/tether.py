"""``{% load tether %}``: ``{% tether_scripts %}`` (the CSRF meta tag and the client
scripts) and ``{% live_component %}`` (``tether.django.components_tags``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tether.django.components_tags import live_component

register = template.Library()
register.tag("live_component", live_component)

SCRIPTS = (
    "tether/vendor/phoenix.min.js",
    "tether/vendor/phoenix_live_view.min.js",
    "tether/tether.js",
)


@register.simple_tag(takes_context=True)
def tether_scripts(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    token = get_token(request) if request is not None else context.get("csrf_token", "")
    meta = format_html('<meta name="csrf-token" content="{}">\n', token)
    scripts = format_html_join(
        "\n", '<script defer src="{}"></script>', ((static(path),) for path in SCRIPTS)
    )
    return meta + scripts
