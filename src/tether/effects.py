"""What a handler asks for besides changing assigns: navigation and pushed events.

Handlers record effects on the view; whoever runs the view (the dead render
or the live session) drains them after each handler and acts on them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from tether import protocol
from tether.errors import UnsafeRedirect


class NavKind(enum.Enum):
    """How a handler leaves the page; each value is the event that tells the client."""

    PATCH = protocol.LIVE_PATCH  # same view, new URL: handle_params runs again
    NAVIGATE = protocol.LIVE_REDIRECT  # another live view over the same socket
    REDIRECT = protocol.REDIRECT  # a full page load


def checked_url(to: object, request: HttpRequest | None, *, external: bool = False) -> str:
    """``to``, if Django would let this request redirect there; else ``UnsafeRedirect``.

    The browser sets ``window.location`` to it, so a ``javascript:`` URL would
    run and another host would take the user away: the same rule as Django's
    ``url_has_allowed_host_and_scheme`` (this page's host, and https when the
    page is https). ``external`` allows any http(s) host, never another scheme.
    """
    if not isinstance(to, str):
        raise UnsafeRedirect(f"a URL must be a string, not {type(to).__name__}")
    try:
        host = request.get_host() if request is not None else None
    except DisallowedHost:
        host = None
    secure = request.is_secure() if request is not None else False
    if external and urlsplit(to).scheme in ("http", "https") and urlsplit(to).netloc:
        return to
    if url_has_allowed_host_and_scheme(
        to, allowed_hosts={host} if host else set(), require_https=secure
    ):
        return to
    hint = "" if external else " (pass external=True to leave the site)"
    raise UnsafeRedirect(f"refusing to send the browser to {to!r}{hint}")


@dataclass(slots=True)
class Navigation:
    kind: NavKind
    to: str
    replace: bool = False


@dataclass(slots=True)
class Effects:
    """What a handler asked for besides changing assigns; drained after each handler."""

    navigation: Navigation | None = None
    events: list[tuple[str, Any]] = field(default_factory=list)
    reply: dict[str, Any] | None = None

    def drain(self) -> Effects:
        taken = Effects(self.navigation, self.events, self.reply)
        self.navigation, self.events, self.reply = None, [], None
        return taken
