"""An owner for tasks and timers: whatever it starts, it cancels when it ends."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import types
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

    def start(
        self, coro: Coroutine[Any, Any, None], *, name: str | None = None
    ) -> asyncio.Task[Any] | None:
        """Run ``coro`` now, up to its first wait; a task of this owner runs the rest.

        Returns that task, or None when ``coro`` finished without waiting, as
        almost every socket write does: a task costs about 5 µs to create and
        schedule, for each frame of a broadcast's thousands. Only for Tether's own
        coroutines: until it first waits, ``asyncio.current_task()`` is the
        caller's, so code that scopes a timeout or a task group by the current
        task (a view's handler may) must be spawned.
        """
        if self._closed:
            coro.close()
            raise RuntimeError("owner is closed")
        try:
            waiting = coro.send(None)
        except StopIteration:
            return None
        return self.spawn(resume(coro, waiting), name=name)

    def adopt(self, task: asyncio.Task[Any]) -> None:
        """Own ``task``, started elsewhere, as if it had been spawned here."""
        if self._closed:
            task.cancel()
            return
        self._tasks[task] = None
        task.add_done_callback(self._forget)

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


@types.coroutine
def resume(
    coro: Coroutine[Any, Any, None], waiting: Any, context: contextvars.Context | None = None
) -> Generator[Any, Any, None]:
    """Go on with ``coro``, already started and waiting on ``waiting``, inside a task.

    The task drives this generator as it would the coroutine: it waits on
    what is yielded, and sends (or throws, a cancellation too) into it what
    the coroutine must receive. With ``context``, ``coro`` runs in it."""

    def step(method: Callable[[Any], Any], arg: Any) -> Any:
        return method(arg) if context is None else context.run(method, arg)

    while True:
        try:
            value = yield waiting
        except BaseException as exc:
            try:
                waiting = step(coro.throw, exc)
            except StopIteration:
                return
        else:
            try:
                waiting = step(coro.send, value)
            except StopIteration:
                return


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
