"""What a handler asks for besides changing assigns: navigation and pushed events.

Handlers record effects on the view; whoever runs the view (the dead render
or the live session) drains them after each handler and acts on them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from tether import protocol


class NavKind(enum.Enum):
    """How a handler leaves the page; each value is the event that tells the client."""

    PATCH = protocol.LIVE_PATCH  # same view, new URL: handle_params runs again
    NAVIGATE = protocol.LIVE_REDIRECT  # another live view over the same socket
    REDIRECT = protocol.REDIRECT  # a full page load


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
