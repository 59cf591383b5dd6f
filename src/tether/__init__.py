"""Tether: LiveView for Django.

A page is a Django view with a Django template; the browser keeps one
WebSocket open, events go up, and only the values that changed come back.

This module is the public surface; everything not listed in ``__all__`` is
internal and may change between releases.
"""

from tether import telemetry
from tether.asyncs import AsyncResult
from tether.component import LiveComponent, send_update, send_update_after
from tether.errors import (
    BadSignature,
    ComponentError,
    ConfigurationError,
    EventError,
    FreezeError,
    InvalidToken,
    JoinRefused,
    MalformedFrame,
    NestingError,
    ProtocolError,
    PubSubClosed,
    PubSubError,
    PubSubUnavailable,
    StateError,
    StreamError,
    TetherError,
    ThawRefused,
    UnknownEvent,
    UnknownTelemetryEvent,
    UnsafeRedirect,
)
from tether.family import ViewRef
from tether.handlers import event
from tether.js import JS
from tether.live_sessions import live_session
from tether.presence import Presence
from tether.view import LiveView

__all__ = [
    "JS",
    "AsyncResult",
    "BadSignature",
    "ComponentError",
    "ConfigurationError",
    "EventError",
    "FreezeError",
    "InvalidToken",
    "JoinRefused",
    "LiveComponent",
    "LiveView",
    "MalformedFrame",
    "NestingError",
    "Presence",
    "ProtocolError",
    "PubSubClosed",
    "PubSubError",
    "PubSubUnavailable",
    "StateError",
    "StreamError",
    "TetherError",
    "ThawRefused",
    "UnknownEvent",
    "UnknownTelemetryEvent",
    "UnsafeRedirect",
    "ViewRef",
    "event",
    "live_session",
    "send_update",
    "send_update_after",
    "telemetry",
]
