"""The seam between a live session and whatever carries its frames.

The WebSocket (``live/socket.py``), a long-poll transport and the test
client's stand-ins all drive the same ``LiveSession`` through this protocol.
"""

from __future__ import annotations

from typing import Any, Protocol

from tether.live.owner import Owner


class Transport(Protocol):
    """What a session needs of its socket."""

    #: Owns the session's tasks and timers; closing the transport ends them.
    owner: Owner

    def push(self, frame: str) -> None:
        """Queue one encoded frame for the client, never blocking."""

    def session_closed(self, session: Any) -> None:
        """The session ended by itself (left, crashed, refused): forget its topic."""

    def overloaded(self, reason: str) -> None:
        """The client is flooding: drop the connection."""
