"""``{% load tether %}{% tether_scripts %}``: the CSRF meta tag and the client scripts.

``{% tether_scripts longpoll_fallback_ms=0 %}`` overrides
``TETHER["LONGPOLL"]["FALLBACK_MS"]`` for one page: how long the page tries the
WebSocket before falling back to long polling (0 or None: never).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tether.conf import setting

register = template.Library()

LIBRARIES = (
    "tether/vendor/phoenix.min.js",
    "tether/vendor/phoenix_live_view.min.js",
)
ENTRY = "tether/tether.js"


@register.simple_tag(takes_context=True)
def tether_scripts(context: dict[str, Any], longpoll_fallback_ms: Any = "") -> SafeString:
    request = context.get("request")
    token = get_token(request) if request is not None else context.get("csrf_token", "")
    meta = format_html('<meta name="csrf-token" content="{}">\n', token)
    libraries = format_html_join(
        "\n", '<script defer src="{}"></script>', ((static(path),) for path in LIBRARIES)
    )
    if longpoll_fallback_ms == "":
        longpoll_fallback_ms = setting("LONGPOLL")["FALLBACK_MS"]
    entry = format_html(
        '\n<script defer src="{}" data-longpoll-fallback-ms="{}" data-debug="{}"></script>',
        static(ENTRY),
        int(longpoll_fallback_ms or 0),
        "true" if settings.DEBUG else "false",
    )
    return meta + libraries + entry
