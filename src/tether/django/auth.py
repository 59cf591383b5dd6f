"""The socket's view of Django: a request built from the upgrade's headers,
its session and user loaded asynchronously, the CSRF token and the Origin."""

from __future__ import annotations

from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import aget_user
from django.http import HttpRequest, QueryDict, parse_cookie
from django.http.request import split_domain_port, validate_host
from django.middleware.csrf import (  # type: ignore[attr-defined]  # private, stable since 4.1
    CSRF_SESSION_KEY,
    InvalidTokenFormat,
    _check_token_format,
    _does_token_match,
)
from django.utils.datastructures import MultiValueDict

from tether.types import Scope


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def origin_allowed(scope: Scope) -> bool:
    """The upgrade's Origin must be this site: an allowed host or a trusted origin.

    Browsers always send Origin on WebSocket upgrades; a missing one is a
    non-browser client, which the CSRF token still guards.
    """
    origin = header(scope, b"origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    if any(_origin_matches(parts, trusted) for trusted in settings.CSRF_TRUSTED_ORIGINS):
        return True
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host, _port = split_domain_port(parts.netloc)
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(host) and validate_host(host, allowed)


def _origin_matches(origin: Any, trusted: str) -> bool:
    """Django's CSRF_TRUSTED_ORIGINS syntax: an exact origin, or ``scheme://*.domain``."""
    wanted = urlsplit(trusted)
    if wanted.scheme != origin.scheme:
        return False
    if wanted.netloc.startswith("*."):
        suffix = wanted.netloc[1:]
        return bool(origin.netloc.endswith(suffix) or origin.netloc == suffix[1:])
    return bool(wanted.netloc == origin.netloc)


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
    request.GET = QueryDict(parts.query)
    secure = parts.scheme == "https" or scope.get("scheme") == "wss"
    request.socket_scheme = "https" if secure else "http"
    return request


async def load_session_and_user(request: HttpRequest) -> None:
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    request.user = await aget_user(request)


async def csrf_token_valid(request: HttpRequest, token: object) -> bool:
    """The token sent with the socket must match this browser's CSRF secret."""
    if not isinstance(token, str) or not token:
        return False
    try:
        _check_token_format(token)
    except InvalidTokenFormat:
        return False
    if settings.CSRF_USE_SESSIONS:
        secret = await request.session.aget(CSRF_SESSION_KEY)
    else:
        secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not isinstance(secret, str):
        return False
    try:
        _check_token_format(secret)
    except InvalidTokenFormat:
        return False
    return bool(_does_token_match(token, secret))
