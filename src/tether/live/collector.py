"""Short garbage-collector pauses with thousands of open pages, and no dead cycles kept.

A full collection walks every tracked object: with 10,000 open pages that is
millions of objects and a pause of seconds for every page of the process.
After each full collection Python runs on its own, whatever survived is moved
out of the collector's reach (``gc.freeze()``), so the next full collection
walks only what arrived since.

What is frozen is never collected again until the complete collection every
``FULL_EVERY`` seconds, so a freeze must not catch objects that are about to
die in a reference cycle. Django makes such cycles in every request (the
request and its message storage hold each other); ``tether.django.answered``
breaks those of a page load once it is answered, and a request thread's
database connection is what is left of them. With
``QUIET_WAIT`` set, the freeze waits for a quiet moment, no HTTP request
(``requests``) and no session step (``busy``) in flight, for at most that
many seconds, and having waited it first collects what died meanwhile: in a
storm of 600 concurrent in-process joins, 1,282 dead objects were frozen
instead of 16,523. It is off by default because that collection walks
everything that arrived while the freeze waited: with 2,000 pages open the
largest pause grew from 42-67 ms to 65-74 ms (0.25 s) and 91-103 ms (2 s),
for no difference in memory per page that ``make bench`` could tell from
its noise. Closed views break their own reference cycles and are freed by
reference counting either way.

How long a full collection pauses is how many objects arrived since the last
freeze, and Python decides when one runs by two rules. It runs after
``FULL_AFTER`` collections of the middle generation (Python's third
threshold, 10 by default), and only once the objects waiting in the oldest
generation are a quarter of those its last full collection kept. Three
things keep what it walks small:

- the freeze happens in the collection's own callback (with ``QUIET_WAIT``
  0, the default), not after the turn of the event loop: a broadcast to ten
  thousand views is one turn, and every collection in it walked again what
  the ones before it kept (a fan-out to 10,000 chat pages cost 1,226 ms of
  CPU instead of 847). While the loop is stopped (a test between two of its
  runs) the freeze waits for the loop's next turn: code outside the loop may
  collect and then ask for an object's referrers, which a freeze hides;
- after a freeze of Tether's own (the complete collection, or one that
  waited for a quiet moment) comes a full collection of what is not frozen,
  almost nothing, so that Python counts from there and not from a quarter
  of all that was frozen: after the complete collection over a million
  objects, the next full collection waited for 250,000 new ones;
- ``FULL_AFTER`` is 1, so a full collection walks what two collections of
  the middle generation left alive, plus the page loads and joins in flight.

Filling a chat room to 10,000 pages
(``TETHER_GC_FULL_AFTER=N python -m bench --only chat_room``), the longest
collection was 13 / 26 / 30 ms at 1,000 / 5,000 / 10,000 pages with 1,
17 / 25 / 66 ms with 3, and 26 / 60 / 128 ms with Python's 10 (that run
before the database fix below; it was 80-108 ms before any of this).

More full collections mean more freezes, each catching what is in flight.
What of that dies in a cycle waits for the complete collection: it found
4,721 dead objects among 950,738 with 10,000 pages open (1,244 with
``FULL_AFTER`` 3), once ``tether.django.answered`` stopped each request
thread's database connection from dying in a cycle (85,000 before).
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from typing import Any

from tether import telemetry

# How often a freeze that waits for a quiet moment looks again.
QUIET_POLL = 0.05


def _never_busy() -> bool:
    return False


class PauseClock:
    """Times Python's collections from a gc callback's "start" and "stop" phases."""

    __slots__ = ("started", "total")

    def __init__(self) -> None:
        self.started = 0.0  # perf_counter() at the running collection's start, or 0
        self.total = 0.0  # seconds in the collections timed so far

    def phase(self, phase: str) -> float | None:
        """The pause that has just ended, at "stop"; None otherwise."""
        if phase == "start":
            self.started = time.perf_counter()
            return None
        if not self.started:
            return None
        pause, self.started = time.perf_counter() - self.started, 0.0
        self.total += pause
        return pause

    def running(self) -> float:
        """How long the collection under way has run so far (0: none is)."""
        started = self.started
        return time.perf_counter() - started if started else 0.0


class Collector:
    def __init__(self) -> None:
        self.full_every: float | None = 600.0
        self.quiet_wait = 0.0
        self.after = 2  # the generation whose collections a freeze follows
        self._thresholds: tuple[int, int, int] | None = None  # Python's, while installed
        self.freezes = 0
        #: HTTP requests in flight (counted by ``tether.asgi``): a dead render's cycles.
        self.requests = 0
        self._busy: Callable[[], bool] = _never_busy
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending = False
        self._waiting_since = 0.0
        self._waited = False
        self._handle: asyncio.TimerHandle | None = None
        self._collecting = False
        self._last_full = time.monotonic()
        self._clock = PauseClock()

    def install(
        self,
        loop: asyncio.AbstractEventLoop,
        full_every: float | None,
        quiet_wait: float = 0.0,
        busy: Callable[[], bool] = _never_busy,
        after: int = 2,
        full_after: int | None = None,
    ) -> None:
        """Freeze after full collections (``after=1``: also after the middle generation's)
        on ``loop``; ``busy`` says whether work is in flight. ``full_after``: a full
        collection after that many of the middle generation (None: Python's own)."""
        if loop is not self._loop:  # a freeze another loop was asked for never comes
            self._pending = False
            if self._handle is not None:
                self._handle.cancel()
                self._handle = None
        self._loop = loop
        self.full_every = full_every
        self.quiet_wait = quiet_wait
        self.after = after
        self._busy = busy
        if full_after is not None:
            if self._thresholds is None:
                self._thresholds = gc.get_threshold()
            young, middle, _ = self._thresholds
            gc.set_threshold(young, middle, full_after)
        if self._on_gc not in gc.callbacks:
            gc.callbacks.append(self._on_gc)

    def uninstall(self) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._pending = False
        self._loop = None
        self._busy = _never_busy
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
        gc.unfreeze()

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        # Called inside the collector: freeze or schedule, never collect here.
        if telemetry.enabled(telemetry.GC_PAUSE):
            self._time(phase, info)
        if phase != "stop" or self._pending or self._collecting:
            return
        if info.get("generation", 0) < self.after:
            return
        loop = self._loop
        if loop is None or loop.is_closed():  # installed for a loop that is gone
            return
        if self.quiet_wait <= 0 and loop.is_running() and not self._complete_due():
            # Everything this collection kept is alive: frozen now, not after the
            # turn, which may be a broadcast to ten thousand views whose every
            # collection would walk what the ones before it kept. A loop that is
            # stopped (a test between two runs) serves nobody: code outside it may
            # call gc.collect() and then look for referrers, which a freeze hides.
            gc.freeze()
            self.freezes += 1
            return
        self._pending = True
        self._waiting_since = time.monotonic()
        self._waited = False
        try:
            loop.call_soon_threadsafe(self._settle)
        except RuntimeError:  # the loop closed meanwhile
            self._pending = False

    def _time(self, phase: str, info: dict[str, Any]) -> None:
        pause = self._clock.phase(phase)
        if pause is not None:
            telemetry.emit(telemetry.GC_PAUSE, telemetry.gc_data(pause, info))

    def _settle(self) -> None:
        """Freeze once nothing is in flight, or once ``quiet_wait`` has passed anyway."""
        self._handle = None
        if not self._pending or self._loop is None:
            return
        waited = time.monotonic() - self._waiting_since
        if (self.requests or self._busy()) and waited < self.quiet_wait:
            self._waited = True
            self._handle = self._loop.call_later(QUIET_POLL, self._settle)
            return
        self._freeze(collect=self._waited)

    def _complete_due(self) -> bool:
        return self.full_every is not None and time.monotonic() - self._last_full >= self.full_every

    def _freeze(self, collect: bool) -> None:
        self._pending = False
        if self._complete_due():
            self.complete()
        else:
            # What died while the freeze waited is collected first: never freeze the dead.
            self._collect_and_freeze(collect)

    def complete(self) -> int:
        """The complete collection of every ``full_every`` seconds: frozen objects too.

        Its pause walks every object of every open page, the one the freezes
        avoid the rest of the time; ``make bench`` times it with 10,000 chat
        pages open. Returns how many dead objects it found: what the freezes
        had kept since the last one, and what died since the last collection."""
        self._last_full = time.monotonic()
        gc.unfreeze()
        return self._collect_and_freeze(collect=True)

    def freeze_startup(self) -> None:
        """Collect once and freeze what a starting server has loaded (its modules,
        Django's URLconf and templates): no later collection walks them again."""
        self._collect_and_freeze(collect=True)

    def _collect_and_freeze(self, collect: bool) -> int:
        self._collecting = True  # our own collections do not ask for another freeze
        found = 0
        try:
            if collect:
                found = gc.collect()
            gc.freeze()
            # Nothing to walk, but Python now counts the next full collection's
            # objects from here, not from a quarter of all that was just frozen.
            gc.collect()
        finally:
            self._collecting = False
        self.freezes += 1
        return found


collector = Collector()
