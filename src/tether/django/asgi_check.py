"""A system check that ``ASGI_APPLICATION`` goes through ``TetherASGI``.

Without the wrapper every page still renders (Django serves it), but
``/live/websocket`` reaches Django, which refuses WebSockets: no page ever
connects, and in DEBUG ``/static/`` (the client) answers 404 as well. This
check says so at start-up instead.

It follows the usual wrappers (an ``app``, ``application`` or ``inner``
attribute, and a protocol router's mapping) a few levels deep; a wrapper
that hides its inner app otherwise can silence it with
``SILENCED_SYSTEM_CHECKS = ["tether.W003"]``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.utils.module_loading import import_string

INNER = ("app", "application", "inner", "django_app")
DEPTH = 4


def _wraps_tether(app: Any, depth: int = DEPTH) -> bool:
    from tether.asgi import TetherASGI

    if isinstance(app, TetherASGI):
        return True
    if depth == 0:
        return False
    inner = [getattr(app, name, None) for name in INNER]
    mapping = getattr(app, "application_mapping", None)  # a protocol type router
    if isinstance(mapping, dict):
        inner.extend(mapping.values())
    return any(child is not None and _wraps_tether(child, depth - 1) for child in inner)


@register(Tags.compatibility)
def check_asgi_application(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    path = getattr(settings, "ASGI_APPLICATION", None)
    if not path:
        return []
    try:
        app = import_string(path)
    except Exception:  # a broken asgi.py fails loudly on its own when served
        return []
    if _wraps_tether(app):
        return []
    return [
        Warning(
            f"ASGI_APPLICATION {path!r} is not wrapped in tether.asgi.TetherASGI, "
            "so /live/websocket is not served and no live page can connect.",
            hint="In asgi.py: application = TetherASGI(get_asgi_application()).",
            id="tether.W003",
        )
    ]
