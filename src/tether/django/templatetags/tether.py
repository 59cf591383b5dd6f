"""``{% load tether %}``: ``{% tether_scripts %}`` (the CSRF meta tag and the client
scripts), the live links (``django/links.py``), ``{% live_component %}``
(``django/components_tags.py``), ``{% live_render %}`` (``django/nested.py``),
``{% live_file_input %}`` and ``{% live_img_preview %}``
(``django/upload_tags.py``).

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
from tether.django import links, upload_tags
from tether.django.components_tags import live_component
from tether.django.nested import live_render
from tether.django.views import CLIENT_SCRIPT

register = template.Library()
register.tag("live_component", live_component)
register.tag("live_render", live_render)  # a child live view (django/nested.py)
register.tags.update(upload_tags.library.tags)  # live_file_input, live_img_preview

LIBRARIES = (
    "tether/vendor/phoenix.min.js",
    "tether/vendor/phoenix_live_view.min.js",
)
# In DEBUG only: a connection banner and an overlay with the traceback of a crash.
DEBUG_SCRIPT = "tether/debug.js"


@register.simple_tag(takes_context=True)
def tether_scripts(context: dict[str, Any], longpoll_fallback_ms: Any = "") -> SafeString:
    # The page's masked token, as {% csrf_token %} reads it; masking another costs
    # 32 draws from the OS's random source.
    token = context.get("csrf_token")
    if token is None:
        request = context.get("request")
        token = get_token(request) if request is not None else ""
    meta = format_html('<meta name="csrf-token" content="{}">\n', token)
    libraries = format_html_join(
        "\n", '<script defer src="{}"></script>', ((static(path),) for path in LIBRARIES)
    )
    if longpoll_fallback_ms == "":
        longpoll_fallback_ms = setting("LONGPOLL")["FALLBACK_MS"]
    entry = format_html(
        '\n<script defer src="{}" data-longpoll-fallback-ms="{}" data-debug="{}"></script>',
        static(CLIENT_SCRIPT),
        int(longpoll_fallback_ms or 0),
        "true" if settings.DEBUG else "false",
    )
    if settings.DEBUG:
        entry += format_html('\n<script defer src="{}"></script>', static(DEBUG_SCRIPT))
    return meta + libraries + entry


register.simple_tag(links.live_patch)
register.simple_tag(links.live_navigate)
