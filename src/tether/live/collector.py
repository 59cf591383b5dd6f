"""Short garbage-collector pauses with thousands of open pages.

A full collection walks every tracked object: with 10,000 open pages that is
millions of objects and a pause of seconds for every page of the process.
After each full collection Python runs on its own, whatever survived is moved
out of the collector's reach (``gc.freeze()``), so the next full collection
walks only what arrived since. Closed views break their own reference cycles
and are freed by reference counting; other cycles that die after being frozen
wait for the complete collection that runs every ``FULL_EVERY`` seconds.
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

from tether import telemetry


class Collector:
    def __init__(self) -> None:
        self.full_every: float | None = 600.0
        self.freezes = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending = False
        self._last_full = time.monotonic()
        self._gc_started = 0.0

    def install(self, loop: asyncio.AbstractEventLoop, full_every: float | None) -> None:
        self._loop = loop
        self.full_every = full_every
        if self._on_gc not in gc.callbacks:
            gc.callbacks.append(self._on_gc)

    def uninstall(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        self._loop = None
        gc.unfreeze()

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        # Called inside the collector: only schedule, never collect here.
        if telemetry.enabled(telemetry.GC_PAUSE):
            self._time(phase, info)
        if phase != "stop" or info.get("generation") != 2 or self._pending:
            return
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        self._pending = True
        try:
            loop.call_soon_threadsafe(self._freeze)
        except RuntimeError:  # the loop closed meanwhile
            self._pending = False

    def _time(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self._gc_started:
            pause, self._gc_started = time.perf_counter() - self._gc_started, 0.0
            telemetry.emit(telemetry.GC_PAUSE, telemetry.gc_data(pause, info))

    def _freeze(self) -> None:
        self._pending = False
        now = time.monotonic()
        if self.full_every is not None and now - self._last_full >= self.full_every:
            self._last_full = now
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        self.freezes += 1


collector = Collector()
