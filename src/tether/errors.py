"""Every exception Tether raises on purpose, in one tree.

    TetherError
    ├── ConfigurationError        settings.TETHER names something unusable
    │   └── UnknownTelemetryEvent a telemetry handler asked for an event that does not exist
    │                             (also ValueError)
    ├── ProtocolError             the client broke the channel protocol
    │   └── MalformedFrame        a frame that is not a V2 array (also ValueError)
    ├── IllegalTransition         a live session asked to move between states it cannot (a bug)
    ├── ReservedName              an assign named like an @event handler (also AttributeError)
    ├── InvalidToken              a session, static or flash token fails its checks
    ├── BadSignature              a signed blob (pub/sub, frozen state) is forged (also ValueError)
    ├── JoinRefused               a join the client may not make; ``response`` is the reply
    ├── EventError                a client event the view refuses; the view lives on
    │   ├── UnknownEvent          no handler for that event name (also LookupError)
    │   └── UnsafeRedirect        a navigation to a URL Django would refuse (also ValueError)
    ├── StreamError               an unknown stream, or an item with no DOM id (also ValueError)
    ├── UploadError               an upload used wrongly: unknown name or entry, consumed while
    │                             in progress, allowed again with active entries (also ValueError)
    ├── ComponentError            a live component used wrongly (duplicate id, no single root...)
    ├── NestingError              a {% live_render %} used wrongly (no id, not a LiveView...)
    ├── StateError
    │   ├── FreezeError           a view's state cannot be frozen (also TypeError)
    │   └── ThawRefused           frozen state that is not this view's, or stale (also ValueError)
    ├── PubSubError
    │   ├── PubSubUnavailable     the backend cannot be reached now; retry later
    │   └── PubSubClosed          the backend was closed
    └── LiveTestError             a tether.testing assertion (also AssertionError)
        ├── ViewCrashed           the view crashed on the server; carries its traceback
        ├── SocketClosed          the server closed the socket
        └── UnmergeableDiff       a diff the browser's client would crash on, or the model lacks

Users can ``except tether.TetherError``; code that only knows the builtin
bases (``ValueError``, ``LookupError``) keeps working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class TetherError(Exception):
    """The root of everything Tether raises on purpose."""


class ConfigurationError(TetherError):
    """``settings.TETHER`` names a backend or value Tether cannot use."""


class UnknownTelemetryEvent(ConfigurationError, ValueError):
    """``telemetry.attach`` (or ``TETHER["TELEMETRY"]``) named an event that does not exist."""


class ProtocolError(TetherError):
    """The client broke the Phoenix channel protocol."""


class MalformedFrame(ProtocolError, ValueError):
    """A text frame that is not a V2 ``[join_ref, ref, topic, event, payload]`` array."""


class IllegalTransition(TetherError):
    """A live session was asked to move between two states it cannot: a bug in Tether."""


class ReservedName(TetherError, AttributeError):
    """An assign or class attribute that would hide an ``@event`` handler of the view."""


class InvalidToken(TetherError):
    """A session, static or flash token that is forged, expired or not for this element."""


class BadSignature(TetherError, ValueError):
    """A signed blob whose MAC does not check out: nothing of it is unpickled."""


class JoinRefused(TetherError):
    """A join the client may not make; ``response`` is the error reply's body."""

    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__(response)
        self.response = response


class EventError(TetherError):
    """A client event the view refuses: the client gets an error reply, the view lives on."""


class UnknownEvent(EventError, LookupError):
    """An event name the view has no handler for.

    The message goes to the client, so it names the event, not the view's class."""

    def __init__(self, event: str, known: Iterable[str] = ()) -> None:
        close = difflib.get_close_matches(event, list(known), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        super().__init__(f"unknown event {event!r}{hint}")
        self.event = event


class UnsafeRedirect(EventError, ValueError):
    """A redirect or navigation to a URL that Django's redirect rules refuse."""


class StreamError(TetherError, ValueError):
    """A stream operation on a name ``stream()`` never defined, or an item with no DOM id."""


class UploadError(TetherError, ValueError):
    """An upload used wrongly by the view: unknown name or entry, consumed in progress..."""


class StateError(TetherError):
    """Freezing or thawing a view's state failed."""


class FreezeError(StateError, TypeError):
    """A view's state holds something that cannot be frozen; the message names it."""

    def __init__(self, view: str, attribute: str, reason: str) -> None:
        super().__init__(
            f"{view}.{attribute} cannot be frozen ({reason}); list it in {view}.transient "
            "and rebuild it in on_thaw()"
        )
        self.view = view
        self.attribute = attribute


class ThawRefused(StateError, ValueError):
    """Frozen state that is tampered, another view's or user's, or too old."""


class PubSubError(TetherError):
    """Base class of pub/sub failures."""


class PubSubUnavailable(PubSubError):
    """The backend cannot be reached right now; the message was not sent."""


class PubSubClosed(PubSubError):
    """The backend was closed; nothing can be sent or subscribed any more."""


class LiveTestError(TetherError, AssertionError):
    """A ``tether.testing`` expectation that did not hold."""


class ViewCrashed(LiveTestError):
    """The view crashed on the server; the message holds the server's traceback."""


class SocketClosed(LiveTestError):
    """The server closed the test client's socket."""


class UnmergeableDiff(LiveTestError):
    """A diff the test client cannot merge: the browser's client would crash on it,
    or it uses what the test client does not model (components)."""


class ComponentError(TetherError):
    """A live component used wrongly: no ``id``, a duplicate id, no single root element,
    an unknown class, or ``{% live_component %}`` outside a live view."""


class NestingError(TetherError):
    """A ``{% live_render %}`` used wrongly: outside a live view, no id, not a LiveView."""
