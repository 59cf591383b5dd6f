"""An owner for tasks and timers: whatever it starts, it cancels when it ends."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any

logger = logging.getLogger("tether.owner")


class Owner:
    """Holds the tasks and timer handles of one socket or one view.

    Like a ``TaskGroup`` it owns what it starts; unlike one, a failing child
    does not cancel its siblings, because one view's crash must not take the
    socket's other views down. ``close()`` cancels everything and waits.
    """

    __slots__ = ("_closed", "_handles", "_tasks")

    def __init__(self) -> None:
        # Dicts as ordered sets: an empty one is a quarter of an empty set.
        self._tasks: dict[asyncio.Task[Any], None] = {}
        self._handles: dict[asyncio.TimerHandle, None] = {}
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def spawn(
        self, coro: Coroutine[Any, Any, Any], *, name: str | None = None
    ) -> asyncio.Task[Any]:
        if self._closed:
            coro.close()
            raise RuntimeError("owner is closed")
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks[task] = None
        task.add_done_callback(self._forget)
        return task

    def start(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
        """Run ``coro`` now, in the caller, until it first waits; only then give
        it a task of this owner's, which goes on from where it stopped.

        A socket's writer usually sends its frames without ever waiting (the
        transport takes them at once): it then costs no task at all, where a
        task per reply was a tenth of a click's CPU. ``coro`` must not need a
        task of its own before it first waits (``asyncio.timeout`` does)."""
        if self._closed:
            coro.close()
            raise RuntimeError("owner is closed")
        try:
            waiting = coro.send(None)
        except StopIteration:
            return None
        return self.spawn(_GoOn(coro, waiting))

    def call_later(self, delay: float, callback: Callable[[], None]) -> asyncio.TimerHandle:
        if self._closed:
            raise RuntimeError("owner is closed")

        def run() -> None:
            self._handles.pop(handle, None)
            callback()

        handle = asyncio.get_running_loop().call_later(delay, run)
        self._handles[handle] = None
        return handle

    def cancel_timer(self, handle: asyncio.TimerHandle) -> None:
        handle.cancel()
        self._handles.pop(handle, None)

    def _forget(self, task: asyncio.Task[Any]) -> None:
        tasks = self._tasks
        tasks.pop(task, None)
        if not tasks:
            # An emptied dict keeps the table it grew; an idle page holds a new one's none.
            self._tasks = {}

    @property
    def task_count(self) -> int:
        return len(self._tasks)

    async def close(self) -> None:
        """Cancel every task and timer, and wait until the tasks have finished."""
        self._closed = True
        for handle in self._handles:
            handle.cancel()
        self._handles.clear()
        current = asyncio.current_task()
        tasks = [t for t in self._tasks if t is not current]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


class _GoOn(Coroutine[Any, Any, None]):
    """The rest of a coroutine that ran, outside any task, up to ``waiting``
    (the future it gave the loop to wait for, or ``None`` for a bare yield):
    the coroutine its task drives.

    The task's first step hands the task ``waiting`` itself; every later step
    goes to the coroutine. A task cancelled before its first step throws the
    cancellation into the coroutine where it waits, so that its cleanup runs
    then, as it would have in a task of its own."""

    __slots__ = ("_coro", "_waiting")

    _STARTED: Any = object()

    def __init__(self, coro: Coroutine[Any, Any, None], waiting: object) -> None:
        self._coro = coro
        self._waiting = waiting

    def send(self, value: Any) -> Any:
        waiting, self._waiting = self._waiting, _GoOn._STARTED
        if waiting is not _GoOn._STARTED:
            return waiting
        return self._coro.send(value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        self._waiting = _GoOn._STARTED
        if val is None and tb is None:
            return self._coro.throw(typ)
        return self._coro.throw(typ, val, tb)  # pragma: no cover (the old signature)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, None]:  # pragma: no cover (never awaited)
        raise TypeError("a task drives _GoOn; it is not awaited")


async def best_effort(awaitable: Awaitable[Any], what: str, *, timeout: float = 2.0) -> bool:
    """Await ``awaitable`` on the way out: a failure or a dead Redis is logged, not raised,
    so that one broken service cannot keep a view or socket from closing."""
    try:
        async with asyncio.timeout(timeout):
            await awaitable
    except Exception as exc:
        logger.warning("%s failed: %r", what, exc)
        return False
    return True
