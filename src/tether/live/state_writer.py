"""Frozen states on their way to the store, written in batches.

A deploy closes every socket at once, so ten thousand views freeze in the
same second. Written one by one, each under its own timeout, they failed in
two ways. The writes waited their turn behind each other and behind the
event loop, busy closing everything else, so timeouts expired on writes that
were late, not slow (32 of 2,000 chat pages, the first 32 to start). And
each view pickled and signed its state the moment its socket closed: ten
thousand serializations in one pass of the loop, with every timer, those
timeouts included, waiting behind them.

So a freezing view queues here with a way to make its state (``make``: pickle
and sign, returning the blob or None). One task per event loop takes up to
``BATCH`` queued views at a time, makes their states (yielding to the loop
every few milliseconds), and hands them to the store's ``put_many`` in one
call: one pipeline to Redis, one thread hop and one directory listing for a
file cache. The batch's ``TIMEOUT`` starts when the store gets it.

A store that fails a batch (down, or too slow for ``TIMEOUT``) fails fast for
what is queued behind it: those states are reported lost without another
wait, so a dead Redis costs one timeout per wave of closes, not one per page,
and the time a shutdown takes stays bounded by the number of batches.

The writer owns its task: it starts with the first queued state and ends
when the queue is empty. A caller cancelled while it waits (a server's
graceful timeout) leaves its state queued, and the shutdown's ``close``
waits for the queue to drain.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tether.conf import setting
from tether.state import get_state_store

logger = logging.getLogger("tether.freezing")

# Making states runs on the loop: give it back after this many seconds of it.
SLICE = 0.01

Make = Callable[[], bytes | None]


@dataclass(slots=True)
class _Queued:
    element_id: str
    make: Make
    done: asyncio.Future[bool]


class StateWriter:
    """One event loop's queue of views to freeze, and the task that writes it."""

    def __init__(self) -> None:
        self._queue: deque[_Queued] = deque()
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        return len(self._queue)

    async def write(self, element_id: str, make: Make) -> bool:
        """Queue a view's state; True once the store has it, False (logged) if not."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[bool] = loop.create_future()
        self._queue.append(_Queued(element_id, make, done))
        if self._task is None:
            self._task = loop.create_task(self._drain(), name="tether state writes")
        return await asyncio.shield(done)

    async def close(self) -> None:
        """Wait until everything queued is written or failed (each batch is bounded)."""
        task = self._task
        if task is not None:
            await asyncio.wait([task])

    async def _drain(self) -> None:
        try:
            while self._queue:
                await self._batch()
        finally:
            self._task = None
            for queued in self._queue:  # only if cancelled: nothing is left waiting
                _settle(queued, False)
            self._queue.clear()

    async def _batch(self) -> None:
        conf = setting("STATE_WRITES")
        queue = self._queue
        batch = [queue.popleft() for _ in range(min(len(queue), int(conf["BATCH"])))]
        entries: list[tuple[str, bytes]] = []
        made: list[_Queued] = []
        loop = asyncio.get_running_loop()
        started = loop.time()
        for queued in batch:
            blob = _make(queued)
            if blob is None:
                _settle(queued, False)
            else:
                entries.append((queued.element_id, blob))
                made.append(queued)
            if loop.time() - started > SLICE:
                await asyncio.sleep(0)
                started = loop.time()
        if not entries:
            return
        ok = False
        try:
            async with asyncio.timeout(float(conf["TIMEOUT"])):
                await get_state_store().put_many(entries)
            ok = True
        except Exception as exc:
            ok = False
            # Fail fast: what waits behind a failed batch would most likely fail too.
            lost = list(queue)
            queue.clear()
            for queued in lost:
                _settle(queued, False)
            logger.warning(
                "freeze failed for %d views (%d more dropped unwritten): %r",
                len(made),
                len(lost),
                exc,
            )
        finally:
            for queued in made:
                _settle(queued, ok)


def _make(queued: _Queued) -> bytes | None:
    try:
        return queued.make()
    except Exception:
        logger.exception("freezing %s failed", queued.element_id)
        return None


def _settle(queued: _Queued, ok: bool) -> None:
    if not queued.done.done():
        queued.done.set_result(ok)


_WRITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, StateWriter] = (
    weakref.WeakKeyDictionary()
)


def state_writer() -> StateWriter:
    """The running loop's writer."""
    loop = asyncio.get_running_loop()
    writer = _WRITERS.get(loop)
    if writer is None:
        writer = _WRITERS[loop] = StateWriter()
    return writer
