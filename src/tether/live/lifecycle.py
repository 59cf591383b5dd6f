"""A live session's states, and the only moves between them.

::

    JOINING ──> JOINED <──> FROZEN      (idle: the view lives in the state store)
       │          │           │
       └──────────┴───────────┴──> CLOSED

Any other move is a bug in Tether, and raises ``IllegalTransition`` instead
of being silently ignored.
"""

from __future__ import annotations

import enum

from tether.errors import IllegalTransition


class SessionState(enum.Enum):
    JOINING = "joining"
    JOINED = "joined"
    FROZEN = "frozen"
    CLOSED = "closed"


_ALLOWED = {
    SessionState.JOINING: {SessionState.JOINED, SessionState.CLOSED},
    SessionState.JOINED: {SessionState.FROZEN, SessionState.CLOSED},
    SessionState.FROZEN: {SessionState.JOINED, SessionState.CLOSED},
    SessionState.CLOSED: set(),
}


def transition(name: str, current: SessionState, new: SessionState) -> SessionState:
    """``new``, if a session may move there from ``current``; else ``IllegalTransition``."""
    if new not in _ALLOWED[current]:
        raise IllegalTransition(f"{name}: {current.value} -> {new.value}")
    return new
