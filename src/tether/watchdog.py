"""A watchdog that names code blocking the event loop.

A thread watches a timestamp the loop refreshes every few milliseconds. When
the loop falls silent for longer than the threshold, the thread reads the
loop thread's current stack, finds the live view handler on it, and logs the
view class, the handler name and the stack while the code is still blocking.
The loop's cost is one callback per quarter threshold.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import traceback
from types import FrameType
from typing import Any

logger = logging.getLogger("tether.watchdog")

_HANDLERS = {
    "join": "mount",
    "info": "handle_info",
    "async": "handle_async",
    "patch": "handle_params",
}


def describe_handler(frame: FrameType | None) -> tuple[str, str] | None:
    """(view class, handler name) of the LiveSession step on this stack, if any."""
    from tether.live.session import LiveSession

    while frame is not None:
        if frame.f_code is LiveSession._step.__code__:
            session = frame.f_locals.get("self")
            kind = frame.f_locals.get("kind")
            payload = frame.f_locals.get("payload")
            view = getattr(session, "view_cls", None)
            view_name = view.__qualname__ if isinstance(view, type) else "?"
            if kind == "event" and isinstance(payload, dict):
                event = str(payload.get("event"))
                found = getattr(view, "_event_handlers", {}).get(event)
                method = found[0] if found else "handle_event"
                return view_name, f"{method} (event {event!r})"
            return view_name, _HANDLERS.get(str(kind), str(kind))
        frame = frame.f_back
    return None


class Watchdog:
    def __init__(self, threshold_ms: float = 100.0) -> None:
        self.threshold = threshold_ms / 1000.0
        self.interval = max(self.threshold / 4, 0.005)
        self.stalls = 0
        self._last = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self._handle: asyncio.TimerHandle | None = None

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop or asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._last = time.monotonic()
        self._tick()
        self._thread = threading.Thread(target=self._watch, name="tether-watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._handle is not None:
            self._handle.cancel()
        if self._thread is not None:
            self._thread.join(1.0)

    def _tick(self) -> None:
        self._last = time.monotonic()
        assert self._loop is not None
        self._handle = self._loop.call_later(self.interval, self._tick)

    def _watch(self) -> None:
        reported_for = 0.0
        while not self._stop.wait(self.interval):
            last = self._last
            lag = time.monotonic() - last
            if lag > self.threshold and reported_for != last:
                reported_for = last
                self.stalls += 1
                self._report(lag)

    def _report(self, lag: float) -> None:
        frame: Any = sys._current_frames().get(self._loop_thread)
        where = describe_handler(frame)
        stack = "".join(traceback.format_stack(frame, limit=12)) if frame else "(no stack)"
        if where is None:
            logger.warning(
                "event loop blocked for %.0f ms outside any live view handler:\n%s",
                lag * 1000,
                stack,
            )
        else:
            logger.warning(
                "event loop blocked for %.0f ms by %s.%s:\n%s",
                lag * 1000,
                where[0],
                where[1],
                stack,
            )


_running: Watchdog | None = None


def ensure_started() -> Watchdog | None:
    """Start the process's watchdog if the settings enable it (default: when DEBUG)."""
    global _running
    if _running is not None:
        if _running._loop is asyncio.get_running_loop():
            return _running
        stop()  # a new loop (tests run one per test): watch that one instead
    from django.conf import settings

    from tether.conf import setting

    conf = setting("WATCHDOG")
    enabled = conf.get("ENABLED")
    if enabled is None:
        enabled = settings.DEBUG
    if not enabled:
        return None
    _running = Watchdog(float(conf.get("THRESHOLD_MS", 100)))
    _running.start()
    return _running


def stop() -> None:
    global _running
    if _running is not None:
        _running.stop()
        _running = None
