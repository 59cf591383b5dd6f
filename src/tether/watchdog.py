"""A watchdog that names code blocking the event loop.

A thread watches a timestamp the loop refreshes every few milliseconds. When
the loop falls silent for longer than the threshold, the thread reads the
loop thread's current stack and the task the loop is running; a live
session publishes the step that task is handling (``steps``), so the log
names the view class, the handler and the stack while the code still blocks.
The loop's cost is one callback per quarter threshold.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import sys
import threading
import time
import traceback
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

from tether import telemetry
from tether.conf import setting
from tether.live.collector import PauseClock
from tether.protocol import EVENT_NAME, Mailbox

logger = logging.getLogger("tether.watchdog")

_HANDLERS = {
    Mailbox.JOIN: "mount",
    Mailbox.INFO: "handle_info",
    Mailbox.ASYNC: "handle_async",
    Mailbox.PATCH: "handle_params",
}


class Runner(Protocol):
    """A live session, as the watchdog sees it: the class of the view it runs
    (known only once a join is admitted, so read at report time)."""

    view_cls: type


@dataclass(slots=True)
class Step:
    """What a live session's runner is handling: published for the watchdog to read."""

    runner: Runner
    kind: Mailbox
    payload: Any
    #: When (``time.monotonic()``) the step must be over (``live/deadlines.py``).
    deadline: float = math.inf
    #: Set while Tether's own code runs inside the step (a template's render):
    #: a stall then is Tether's, and the log must not blame the view's handler.
    phase: str | None = None
    #: Set when the step ran past its deadline and its runner was cancelled.
    expired: bool = False
    #: Set once the handler returned or raised: the deadline no longer applies.
    over: bool = False

    def describe(self) -> tuple[str, str]:
        """(view class, handler name), e.g. ``("Shop", "add (event 'add-item')")``."""
        view = self.runner.view_cls
        view_name = view.__qualname__
        if self.phase is not None:
            return "Tether", f"{self.phase} of {view_name}'s template (not your handler)"
        if self.kind is Mailbox.EVENT and isinstance(self.payload, dict):
            name = str(self.payload.get(EVENT_NAME))
            found = getattr(view, "_event_handlers", {}).get(name)
            method = found[0] if found else "handle_event"
            return view_name, f"{method} (event {name!r})"
        return view_name, _HANDLERS.get(self.kind, self.kind.value)


#: The step each runner task is in; a task appears only while it handles something.
steps: dict[asyncio.Task[Any], Step] = {}
#: The same step, for the runner's own code (``phase``): a context variable is
#: read in nanoseconds, ``asyncio.current_task()`` in a microsecond.
_current: ContextVar[Step | None] = ContextVar("tether_step", default=None)


def publish(task: asyncio.Task[Any], step: Step) -> None:
    """``task`` (the caller, a session's runner) now handles ``step``."""
    steps.pop(task, None)  # to the end: the table stays in the order steps started
    steps[task] = step
    _current.set(step)


def stepping() -> bool:
    """Whether any live view is in the middle of a step."""
    return bool(steps)


def phase(label: str | None) -> None:
    """Mark (or, with None, unmark) Tether's own work in the current step."""
    step = _current.get()
    if step is not None:
        step.phase = label


def describe_task(task: asyncio.Task[Any] | None) -> tuple[str, str] | None:
    """(view class, handler name) of the step ``task`` is running, if it runs one."""
    step = steps.get(task) if task is not None else None
    return step.describe() if step is not None else None


# Collections shorter than this in a stall are not worth a mention.
GC_WORTH_NAMING = 0.001


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
        # Time in garbage collections, which hold the loop as any code does: a
        # stall that was mostly a collection says so, or the stack (a gc
        # callback, or whatever ran next) would take the blame.
        self._gc = PauseClock()
        self._gc_at_tick = 0.0

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop or asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._last = time.monotonic()
        self._tick()
        if self._on_gc not in gc.callbacks:
            gc.callbacks.append(self._on_gc)
        self._thread = threading.Thread(target=self._watch, name="tether-watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        if self._handle is not None:
            self._handle.cancel()
        if self._thread is not None:
            self._thread.join(1.0)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        self._gc.phase(phase)

    def _gc_since_tick(self) -> float:
        # With a collection still running as the stall is read.
        return self._gc.total - self._gc_at_tick + self._gc.running()

    def _tick(self) -> None:
        self._last = time.monotonic()
        self._gc_at_tick = self._gc.total
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
        # The task the loop is running now: read from this thread, a plain dict lookup.
        where = describe_task(asyncio.current_task(self._loop)) if self._loop else None
        stack = "".join(traceback.format_stack(frame, limit=12)) if frame else "(no stack)"
        if telemetry.enabled(telemetry.WATCHDOG_STALL):
            telemetry.emit(telemetry.WATCHDOG_STALL, telemetry.stall_data(lag, where, stack))
        collecting = self._gc_since_tick()
        gc_note = (
            f" ({collecting * 1000:.0f} ms of it in garbage collection:"
            " see TETHER['GC'] in docs/live-views.md)"
            if collecting >= GC_WORTH_NAMING
            else ""
        )
        if where is None:
            logger.warning(
                "event loop blocked for %.0f ms outside any live view handler%s:\n%s",
                lag * 1000,
                gc_note,
                stack,
            )
        else:
            logger.warning(
                "event loop blocked for %.0f ms by %s.%s%s:\n%s",
                lag * 1000,
                where[0],
                where[1],
                gc_note,
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
