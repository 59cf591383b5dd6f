"""Tether's settings: ``settings.TETHER``, merged over these defaults.

Pluggable parts follow Django's alias-dict style (``BACKEND`` + ``OPTIONS``),
like ``CACHES`` and ``CHANNEL_LAYERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from tether.errors import ConfigurationError

T = TypeVar("T")

DEFAULTS: dict[str, Any] = {
    "PUBSUB": {"BACKEND": "tether.pubsub.memory.MemoryPubSub", "OPTIONS": {}},
    "STATE": {"BACKEND": "tether.state.memory.MemoryStateStore", "OPTIONS": {"TTL": 3600}},
    # Presence heartbeats across processes: HEARTBEAT_INTERVAL, HEARTBEAT_TTL (seconds);
    # BROADCAST_PERIOD (0.5 s) gathers joins and leaves into one diff per topic, and
    # UPDATES_PER_SECOND (1000) makes a big room wait longer (docs/presence.md).
    "PRESENCE": {"OPTIONS": {}},
    # Where the live view's HTML is placed in a full page.
    "LAYOUT": "tether/layout.html",
    # Signed session/static tokens older than this are refused at join.
    "TOKEN_MAX_AGE": 14 * 24 * 3600,
    # A text frame larger than this closes the socket (code 1009).
    "MAX_FRAME_BYTES": 256 * 1024,
    # Bytes queued for one socket before it counts as a slow reader and is dropped.
    "OUTBOUND_BUFFER_BYTES": 1024 * 1024,
    # A socket that sends nothing (not even a heartbeat) for this long is closed.
    "IDLE_TIMEOUT": 90.0,
    # The long-poll transport (docs/longpoll.md), for browsers whose WebSocket is blocked:
    # POLL_TIMEOUT seconds a poll waits for frames before answering "nothing yet" (below
    # the client's 20 s request timeout); BUFFER frames kept for a client between polls
    # (past it the client counts as not polling and is dropped); IDLE_EXPIRY seconds
    # without a poll after which the connection closes as a closed socket would (views
    # freeze, presence leaves); MAX_BATCH_BYTES of one POSTed batch (each frame still
    # within MAX_FRAME_BYTES). FALLBACK_MS: how long the page tries the WebSocket before
    # falling back to long poll (None or 0: never fall back). HANDOVER_WAIT: how long a
    # process that gets another's token waits for that one to freeze its views.
    "LONGPOLL": {
        "POLL_TIMEOUT": 10.0,
        "BUFFER": 1000,
        "IDLE_EXPIRY": 30.0,
        "MAX_BATCH_BYTES": 1024 * 1024,
        "FALLBACK_MS": 2500,
        "HANDOVER_WAIT": 1.0,
    },
    # Items a view may have waiting: a client past it is flooding and is disconnected;
    # server messages past it drop the oldest waiting one (a slow view skips ahead).
    "MAILBOX_LIMIT": 1000,
    # Work frames (joins, events, patches) one connection may send: PER_SECOND on
    # average, BURST at once; past it they are refused, and a client that keeps
    # going after BURST refusals in a row is disconnected (1008).
    "RATE_LIMIT": {"PER_SECOND": 100.0, "BURST": 200},
    # Middleware (dotted paths) that never refuses a GET a view would accept. With any
    # other middleware installed, live navigation falls back to a full page load.
    "TRUSTED_MIDDLEWARE": [],
    # What a middleware would activate per request, done at every join: dotted paths of
    # functions called with the view's request (async allowed), each returning a context
    # manager entered around the join and every later step of that view, or None. The
    # defaults activate the language (as LocaleMiddleware would) and the time zone; see
    # docs/navigation.md.
    "ACTIVATE": [
        "tether.django.activation.language",
        "tether.django.activation.time_zone",
    ],
    # Live views one connection may hold at once (nested views count).
    "MAX_VIEWS_PER_SOCKET": 64,
    # A handler running longer than this is cancelled and the client gets an error.
    "HANDLER_TIMEOUT": 30.0,
    # Threads for plain ``def`` handlers.
    "SYNC_THREADS": 16,
    # Idle threads kept for the sync parts of Django's requests (its middleware), reused
    # from one request to the next instead of a new thread per request. 0 (the default):
    # Django's own; a pool saves thread starts in a crowd, and holds memory when idle.
    "REQUEST_THREADS": 0,
    # Freeze a view with no events or messages for this many seconds (None: never).
    "FREEZE_IDLE_AFTER": None,
    # Frozen states go to the store in batches (a deploy freezes every open page at
    # once): at most BATCH per store call, each call given TIMEOUT seconds. A failed
    # batch fails what waits behind it at once (live/state_writer.py).
    "STATE_WRITES": {"BATCH": 256, "TIMEOUT": 5.0},
    # Write-through checkpoints, so that a page survives a crash (kill -9) of its
    # process: views that handled something are frozen every EVERY seconds, at most
    # BATCH per pass. Off by default: a store write per busy view per EVERY.
    "CHECKPOINT": {"ENABLED": False, "EVERY": 1.0, "BATCH": 500},
    # Collector pauses: after each full collection, freeze the survivors so the
    # next one walks only newer objects; a complete one every FULL_EVERY seconds.
    # QUIET_WAIT > 0: a freeze waits that long for no request or step in flight.
    # FREEZE_AFTER 1: freeze after the middle generation's collections too (shorter
    # pauses, more of what dies in flight kept until the complete collection).
    # FULL_AFTER: a full collection after that many of the middle generation
    # (Python's third threshold; None leaves Python's 10).
    "GC": {
        "FREEZE": True,
        "FULL_EVERY": 600.0,
        "QUIET_WAIT": 0.0,
        "FREEZE_AFTER": 2,
        "FULL_AFTER": 1,
    },
    # File uploads (docs/uploads.md). A view's allow_upload() sets its own limits up to
    # these: MAX_FILE_SIZE and MAX_CHUNK_SIZE (bytes; a binary frame larger than
    # MAX_CHUNK_SIZE closes the socket), MAX_ENTRIES (files per upload). Per socket:
    # MAX_CHANNELS uploads at once, MAX_SOCKET_BYTES in temporary files not yet
    # consumed. CHUNK_TIMEOUT (seconds) drops a stalled upload; TOKEN_MAX_AGE (seconds)
    # bounds a preflight token's life; TEMP_DIR (None: the system's) holds the files.
    "UPLOADS": {
        "MAX_FILE_SIZE": 1024 * 1024 * 1024,
        "MAX_CHUNK_SIZE": 256 * 1024,
        "MAX_ENTRIES": 100,
        "MAX_CHANNELS": 16,
        "MAX_SOCKET_BYTES": 2 * 1024 * 1024 * 1024,
        "CHUNK_TIMEOUT": 10.0,
        "TOKEN_MAX_AGE": 3600,
        "TEMP_DIR": None,
    },
    # Slot renders shared by views that give a slot the same inputs (docs/performance.md):
    # at most ENTRIES kept per process, each dropped once unused for SECONDS (the views
    # that share a result keep it; the memo only finds it for the next view to render
    # it). ENTRIES 0 turns sharing off.
    "SHARED_RENDERS": {"ENTRIES": 5000, "SECONDS": 2.0},
    # Event-loop stall watchdog; None means "on when DEBUG".
    "WATCHDOG": {"ENABLED": None, "THRESHOLD_MS": 100},
    # Telemetry handlers attached at start-up: {dotted path: [events] or None for all};
    # LOG attaches a DEBUG log of every event when the "tether.telemetry" logger shows DEBUG.
    "TELEMETRY": {"HANDLERS": {}, "LOG": True},
}


_cache: dict[str, Any] | None = None


def _forget(*, setting: str, **kwargs: Any) -> None:
    global _cache
    if setting == "TETHER":
        _cache = None


setting_changed.connect(_forget)


def tether_settings() -> dict[str, Any]:
    """The effective settings: user values win, nested dicts are merged one level deep.

    Computed once, and again after ``override_settings`` changes ``TETHER``.
    """
    global _cache
    if _cache is None:
        _cache = _merge()
    return _cache


def _merge() -> dict[str, Any]:
    user: dict[str, Any] = getattr(settings, "TETHER", {}) or {}
    merged = dict(DEFAULTS)
    for key, value in user.items():
        if isinstance(value, dict) and isinstance(DEFAULTS.get(key), dict):
            merged[key] = {**DEFAULTS[key], **value}
        else:
            merged[key] = value
    return merged


def setting(name: str) -> Any:
    return tether_settings()[name]


def options(config: dict[str, Any] | None) -> dict[str, Any]:
    """An alias dict's ``OPTIONS`` as keyword arguments: ``{"URL": ...}`` gives ``url=...``."""
    raw = (config or {}).get("OPTIONS") or {}
    return {str(key).lower(): value for key, value in raw.items()}


def imported(path: str, what: str) -> Callable[..., Any]:
    """The callable a setting names by dotted path; ``what`` names the setting in errors."""
    try:
        found = import_string(path)
    except ImportError as exc:
        raise ConfigurationError(f"{what} {path!r} cannot be imported: {exc}") from exc
    if not callable(found):
        raise ConfigurationError(f"{what} {path!r} is not callable")
    return found  # type: ignore[no-any-return]


def build(config: dict[str, Any], base: type[T], **defaults: Any) -> T:
    """Instantiate ``{"BACKEND": dotted path, "OPTIONS": {...}}`` and check its type.

    ``defaults`` fill options the user left out.
    """
    path = config.get("BACKEND")
    if not isinstance(path, str):
        raise ConfigurationError(f"an alias dict needs a 'BACKEND' dotted path, got {path!r}")
    backend = imported(path, "BACKEND")
    instance = backend(**{**defaults, **options(config)})
    if not isinstance(instance, base):
        raise ConfigurationError(f"{path} is not a {base.__module__}.{base.__qualname__}")
    return instance
