"""Telemetry: named events with measurements, for whoever attaches a handler.

The runtime announces what it does (a socket opened, a view joined, an event
was handled, a view was frozen...) by emitting an event: a name from the
constants below and one dict of plain values. Handlers attached with
``attach()`` receive ``handler(event, data)``; a project sends them to logging,
Prometheus, or Tether's own dashboard (``tether.dashboard``). docs/telemetry.md
lists every event and its keys.

Nothing attached must cost nothing: each emit point in the runtime is guarded
by ``enabled(event)``, one dict lookup, before it reads a clock or builds a
dict. Handlers are kept per event as tuples that ``attach``/``detach`` replace
whole, so an emit never sees a list change under it, whatever thread emits.

Handlers run inline, where the event happens: on the event loop for most, on
the watchdog's thread for ``WATCHDOG_STALL``, and inside the collector for
``GC_PAUSE``. They must be quick and must not block; a handler that raises is
logged and the runtime carries on.

Event names and keys are Tether's own vocabulary, defined once here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sized
from typing import Any

from django.utils.module_loading import import_string

from tether import protocol
from tether.errors import UnknownTelemetryEvent

logger = logging.getLogger("tether.telemetry")

Handler = Callable[[str, dict[str, Any]], None]

# -- events --------------------------------------------------------------------

SOCKET_CONNECT = "tether.socket.connect"
SOCKET_CLOSE = "tether.socket.close"
VIEW_JOIN = "tether.view.join"
VIEW_LEAVE = "tether.view.leave"
VIEW_EVENT = "tether.view.event"
VIEW_INFO = "tether.view.info"
PUBSUB_BROADCAST = "tether.pubsub.broadcast"
PUBSUB_CONNECTION = "tether.pubsub.connection"
SHARED_ENCODE = "tether.broadcast.encode"
STATE_FREEZE = "tether.state.freeze"
STATE_THAW = "tether.state.thaw"
WATCHDOG_STALL = "tether.watchdog.stall"
GC_PAUSE = "tether.gc.pause"
UPLOAD_PROGRESS = "tether.upload.progress"

EVENTS = (
    SOCKET_CONNECT,
    SOCKET_CLOSE,
    VIEW_JOIN,
    VIEW_LEAVE,
    VIEW_EVENT,
    VIEW_INFO,
    PUBSUB_BROADCAST,
    PUBSUB_CONNECTION,
    SHARED_ENCODE,
    STATE_FREEZE,
    STATE_THAW,
    WATCHDOG_STALL,
    GC_PAUSE,
    UPLOAD_PROGRESS,
)

# -- keys of the data dicts ----------------------------------------------------

VIEW = "view"  # the live view's class, qualified name
EVENT_NAME = "event_name"  # the client event's name
DURATION = "duration"  # seconds, a float
HANDLER_TIME = "handler_time"  # seconds in the handler (mount, handle_event, handle_info)
RENDER_TIME = "render_time"  # seconds to render and diff after it
DIFF_BYTES = "diff_bytes"  # JSON bytes of the diff sent (0: nothing changed)
THAWED = "thawed"  # the join resumed a frozen state instead of mounting
BROADCAST = "broadcast"  # handle_info got a pub/sub broadcast (not a send or timer)
REASON = "reason"
CODE = "code"  # the WebSocket close code
VIEWS = "views"  # live views the socket still held when it closed
PATH = "path"
TOPIC = "topic"
SUBSCRIBERS = "subscribers"  # local subscriptions the message was handed to
REMOTE = "remote"  # the message came from another process
HIT = "hit"  # an encode-once cache hit: the diff was encoded for another view already
BYTES = "bytes"
BACKEND = "backend"
CONNECTED = "connected"
LAG = "lag"  # seconds the event loop was blocked
STACK = "stack"
HANDLER = "handler"  # handler name, e.g. "inc (event 'inc')"
GENERATION = "generation"
COLLECTED = "collected"
OK = "ok"
SOCKETS = "sockets"  # sockets open in this process
UPLOAD = "upload"  # the upload's name, as in allow_upload
PROGRESS = "progress"  # percent of an upload entry received, 0 to 100

# Leave reasons.
LEFT = "left"  # closed by the client, a crash or the server
FROZEN = "frozen"  # the socket went away; the state waits in the store

_handlers: dict[str, tuple[tuple[str, Handler], ...]] = {}
_lock = threading.Lock()


def enabled(event: str) -> bool:
    """Is any handler attached to ``event``? Emit points check this first."""
    return event in _handlers


def emit(event: str, data: dict[str, Any]) -> None:
    """Call every handler attached to ``event`` with ``data``."""
    for handler_id, handler in _handlers.get(event, ()):
        try:
            handler(event, data)
        except Exception:
            logger.exception("telemetry handler %r failed on %s", handler_id, event)


def attach(handler_id: str, events: str | Iterable[str] | None, handler: Handler) -> None:
    """Call ``handler(event, data)`` for each of ``events`` (``None``: all of them).

    ``handler_id`` names the attachment: attaching the same id again replaces it,
    and ``detach(handler_id)`` removes it.
    """
    wanted = EVENTS if events is None else (events,) if isinstance(events, str) else tuple(events)
    unknown = [name for name in wanted if name not in EVENTS]
    if unknown:
        raise UnknownTelemetryEvent(f"unknown telemetry events {unknown}; see telemetry.EVENTS")
    with _lock:
        _remove(handler_id)
        for name in wanted:
            _handlers[name] = (*_handlers.get(name, ()), (handler_id, handler))


def detach(handler_id: str) -> bool:
    """Remove every attachment named ``handler_id``; False if there was none."""
    with _lock:
        return _remove(handler_id)


def attached() -> list[str]:
    """The ids of the attached handlers."""
    return sorted({handler_id for pairs in _handlers.values() for handler_id, _ in pairs})


def _remove(handler_id: str) -> bool:
    found = False
    for name, pairs in list(_handlers.items()):
        kept = tuple(pair for pair in pairs if pair[0] != handler_id)
        if len(kept) != len(pairs):
            found = True
            if kept:
                _handlers[name] = kept
            else:
                del _handlers[name]
    return found


class Stopwatch:
    """Times one unit of work, in two laps when ``lap()`` marks the end of the handler.

    ``stopwatch(event)`` gives one only when ``event`` has a handler, otherwise
    the shared ``NO_WATCH``: falsy, and its methods do nothing, so an emit point
    costs one dict lookup and two empty calls when nobody listens.
    """

    __slots__ = ("lap_at", "name", "started")

    def __init__(self, event: str) -> None:
        self.name = event
        self.started = time.perf_counter()
        self.lap_at: float | None = None

    def __bool__(self) -> bool:
        return True

    def lap(self) -> None:
        self.lap_at = time.perf_counter()

    def emit(self, data: dict[str, Any]) -> None:
        """Emit with ``data`` plus ``duration`` (and the handler and render times, if lapped)."""
        now = time.perf_counter()
        data[DURATION] = now - self.started
        if self.lap_at is not None:
            data[HANDLER_TIME] = self.lap_at - self.started
            data[RENDER_TIME] = now - self.lap_at
        emit(self.name, data)

    def view_done(self, view_cls: type, diff: Any = None, **data: Any) -> None:
        """Emit a view's event: its class, the diff's size (a wire map or bytes), ``data``."""
        if diff is not None:
            data[DIFF_BYTES] = diff if isinstance(diff, int) else len(protocol.dumps(diff))
        self.emit({VIEW: view_cls.__qualname__, **data})


class _NoWatch(Stopwatch):
    __slots__ = ()

    def __init__(self) -> None:
        self.name = ""
        self.started = 0.0
        self.lap_at = None

    def __bool__(self) -> bool:
        return False

    def lap(self) -> None:
        pass

    def emit(self, data: dict[str, Any]) -> None:
        pass

    def view_done(self, view_cls: type, diff: Any = None, **data: Any) -> None:
        pass


NO_WATCH: Stopwatch = _NoWatch()


# -- the data of events whose emit point has no stopwatch ---------------------------


def leave_data(view_cls: type, frozen: bool) -> dict[str, Any]:
    return {VIEW: view_cls.__qualname__, REASON: FROZEN if frozen else LEFT}


def broadcast_data(pubsub: Any, message: Any, subscribers: Sized | None) -> dict[str, Any]:
    return {
        TOPIC: message.topic,
        SUBSCRIBERS: len(subscribers) if subscribers else 0,
        REMOTE: message.node != pubsub.node_id,
    }


def link_data(pubsub: Any, connected: bool) -> dict[str, Any]:
    return {BACKEND: type(pubsub).__qualname__, CONNECTED: connected}


def stall_data(lag: float, where: tuple[str, str] | None, stack: str) -> dict[str, Any]:
    view, handler = where if where is not None else (None, None)
    return {LAG: lag, VIEW: view, HANDLER: handler, STACK: stack}


def gc_data(pause: float, info: dict[str, Any]) -> dict[str, Any]:
    return {
        DURATION: pause,
        GENERATION: info.get("generation"),
        COLLECTED: info.get("collected", 0),
    }


def upload_data(view_cls: type, upload: str, progress: int, size: int) -> dict[str, Any]:
    return {VIEW: view_cls.__qualname__, UPLOAD: upload, PROGRESS: progress, BYTES: size}


def stopwatch(event: str) -> Stopwatch:
    """A running ``Stopwatch`` for ``event``, or ``NO_WATCH`` when nothing is attached."""
    return Stopwatch(event) if event in _handlers else NO_WATCH


# -- handlers that ship with Tether ----------------------------------------------


def log_event(event: str, data: dict[str, Any]) -> None:
    """Log each event on the ``tether.telemetry`` logger, at DEBUG level."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    fields = " ".join(
        f"{key}={value * 1000:.2f}ms" if key in _SECONDS else f"{key}={value!r}"
        for key, value in data.items()
        if key != STACK
    )
    logger.debug("%s %s", event, fields)


_SECONDS = frozenset({DURATION, HANDLER_TIME, RENDER_TIME, LAG})


def attach_from_settings(config: dict[str, Any]) -> None:
    """Attach what ``TETHER["TELEMETRY"]`` names (at Django start-up).

    ``HANDLERS`` maps a handler's dotted path to the events it wants (``None``:
    all). With ``LOG`` on, ``log_event`` is attached when the ``tether.telemetry``
    logger is enabled for DEBUG, so that logging configuration alone turns the
    event log on, and a project that does not log them pays nothing.
    """
    for path, events in (config.get("HANDLERS") or {}).items():
        attach(f"settings:{path}", events, import_string(path))
    if config.get("LOG") and logger.isEnabledFor(logging.DEBUG):
        attach("settings:log", None, log_event)
