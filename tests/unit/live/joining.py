"""A join payload the way a browser holding a dead render would send it."""

from __future__ import annotations

from typing import Any

from django.middleware.csrf import (  # type: ignore[attr-defined]
    _get_new_csrf_string,
    _mask_cipher_secret,
)

from tether import protocol, tokens

ELEMENT_ID = "phx-unit"
TOPIC = protocol.LV_TOPIC_PREFIX + ELEMENT_ID


def browser(path: str = "/echo/") -> tuple[dict[str, Any], dict[str, Any]]:
    """(ASGI scope of the socket, phx_join payload) for the live view at ``path``."""
    secret = _get_new_csrf_string()
    scope = {
        "type": "websocket",
        "path": protocol.SOCKET_PATH,
        "headers": [(b"cookie", f"csrftoken={secret}".encode()), (b"host", b"testserver")],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
    }
    from django.urls import resolve

    view_cls = resolve(path).func.view_class  # type: ignore[attr-defined]
    payload = {
        protocol.URL: f"http://testserver{path}",
        protocol.PARAMS: {protocol.CSRF_PARAM: _mask_cipher_secret(secret), "_mounts": 0},
        protocol.SESSION: tokens.sign_session(
            tokens.SessionToken(
                tokens.view_path(view_cls), ELEMENT_ID, None, tokens.browser_key(secret)
            )
        ),
        protocol.STATIC_TOKEN: tokens.sign_static(ELEMENT_ID, None),
    }
    return scope, payload
