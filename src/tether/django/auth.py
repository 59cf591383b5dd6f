"""The socket's view of Django: a request built from the upgrade's headers,
its session and user loaded asynchronously, the CSRF token and the Origin."""

from __future__ import annotations

from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import aget_user
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, QueryDict, parse_cookie
from django.middleware.csrf import (  # type: ignore[attr-defined]  # private, stable since 4.1
    CSRF_SESSION_KEY,
    CSRF_TOKEN_LENGTH,
    InvalidTokenFormat,
    _check_token_format,
    _does_token_match,
    _unmask_cipher_token,
)
from django.utils.datastructures import MultiValueDict
from django.utils.http import is_same_domain

from tether.types import Scope


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def origin_allowed(scope: Scope) -> bool:
    """The upgrade's Origin must be this site, by the rule of Django's CSRF check.

    That is the upgrade's own ``scheme://host[:port]`` (its Host passing
    ``ALLOWED_HOSTS``, its scheme ``ws``/``wss`` as ``http``/``https`` or what
    ``SECURE_PROXY_SSL_HEADER`` says), or a ``CSRF_TRUSTED_ORIGINS`` entry.
    Browsers always send Origin on WebSocket upgrades; a missing one is a
    non-browser client, which the CSRF token still guards.
    """
    origin = header(scope, b"origin")
    if origin is None:
        return True
    request = build_request(scope)
    try:
        own = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        own = None
    if origin == own:
        return True
    trusted = settings.CSRF_TRUSTED_ORIGINS
    if origin in trusted and "*" not in origin:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    for entry in trusted:
        if "*" in entry:
            wanted = urlsplit(entry)
            if wanted.scheme == parts.scheme and is_same_domain(
                parts.netloc, wanted.netloc.lstrip("*")
            ):
                return True
    return False


# Headers of the WebSocket handshake itself, of no use to a view.
_HANDSHAKE_HEADERS = frozenset(
    {
        b"connection",
        b"upgrade",
        b"sec-websocket-key",
        b"sec-websocket-version",
        b"sec-websocket-extensions",
        b"sec-websocket-protocol",
        b"pragma",
        b"cache-control",
        b"accept-encoding",
    }
)


class SocketRequest(HttpRequest):
    """The request a live view sees over the socket: its scheme is the page's."""

    socket_scheme = "http"

    def _get_scheme(self) -> str:
        return self.socket_scheme


_NO_BODY = QueryDict()
_NO_FILES: MultiValueDict[str, Any] = MultiValueDict()


def build_request(scope: Scope, url: str | None = None) -> HttpRequest:
    """An HttpRequest for code that expects one (mount, context processors, auth)."""
    request = SocketRequest()
    # A socket request has no body: share one empty POST and FILES.
    request.POST = _NO_BODY
    request.FILES = _NO_FILES
    meta = request.META
    for key, value in scope.get("headers", ()):
        if key in _HANDSHAKE_HEADERS:
            continue
        name = bytes(key).decode("latin-1").upper().replace("-", "_")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = "HTTP_" + name
        meta[name] = bytes(value).decode("latin-1")
    client = scope.get("client") or ("", 0)
    server = scope.get("server") or ("localhost", 80)
    meta["REMOTE_ADDR"] = client[0]
    meta["SERVER_NAME"], meta["SERVER_PORT"] = server[0], str(server[1])
    meta["REQUEST_METHOD"] = "GET"
    request.method = "GET"
    # Parsed once; the raw header would be a second copy held by every open page.
    request.COOKIES = parse_cookie(meta.pop("HTTP_COOKIE", ""))
    parts = urlsplit(url or scope.get("path", "/"))
    request.path = request.path_info = parts.path or "/"
    meta["PATH_INFO"] = request.path
    meta["QUERY_STRING"] = parts.query
    request.GET = QueryDict(parts.query) if parts.query else _NO_BODY  # most pages: one shared
    secure = parts.scheme == "https" or scope.get("scheme") in ("wss", "https")
    request.socket_scheme = "https" if secure else "http"
    return request


async def load_session_and_user(request: HttpRequest) -> None:
    """The session and user of the upgrade's cookies, and the browser's CSRF secret.

    With the secret in ``META["CSRF_COOKIE"]``, as ``CsrfViewMiddleware`` puts
    it, ``{% csrf_token %}`` in a live template masks the browser's own secret.
    Without one, Django would mint a secret the browser never receives, and a
    plain form in the page would be refused. No secret is ever minted here: a
    browser without one is refused at the join.
    """
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    request.user = await aget_user(request)
    secret = await _csrf_secret(request)
    if secret is not None:
        request.META["CSRF_COOKIE"] = secret


async def _csrf_secret(request: HttpRequest) -> str | None:
    """This browser's CSRF secret (the cookie, or the session), if well formed."""
    if settings.CSRF_USE_SESSIONS:
        secret = await request.session.aget(CSRF_SESSION_KEY)
    else:
        secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not isinstance(secret, str):
        return None
    try:
        _check_token_format(secret)
    except InvalidTokenFormat:
        return None
    if len(secret) == CSRF_TOKEN_LENGTH:  # stored masked, by Django before 4.0
        secret = _unmask_cipher_token(secret)
    return str(secret)


async def csrf_token_valid(request: HttpRequest, token: object) -> bool:
    """The token sent with the socket must match this browser's CSRF secret."""
    if not isinstance(token, str) or not token:
        return False
    try:
        _check_token_format(token)
    except InvalidTokenFormat:
        return False
    secret = await _csrf_secret(request)
    return secret is not None and bool(_does_token_match(token, secret))
