"""Runners for live sessions: one task takes every session given work in a turn.

A session runs its steps in a runner task that exists only while it has
work. One task per session per step cost a broadcast to ten thousand views
ten thousand tasks (about 5 µs each to create and schedule, and as much
again for the event loop to step them) although almost every step finishes
without ever waiting: a ``handle_info`` that inserts a row, a render, a
push. So the sessions that are given work during a turn of the event loop
are queued together, and one task runs them, one after another.

A step that waits (a query, a sleep) keeps the task it started in: the rest
of the queue goes to a new task, and the waiting step's session owns this
one from then on (its transport's owner cancels it). So a view's handler
always sees itself in a task of its own while it waits, as it did with a
task per step: ``asyncio.timeout``, ``TaskGroup`` and the watchdog's
deadlines, which all act on ``asyncio.current_task()``, reach the right
step, and a slow view never holds up the others.

Each session's steps run in a copy of the context the task was started in,
entered again whenever a waiting step resumes, so context variables a
handler sets (Django's active language, a ``ContextVar`` of the app's) stay
with its session, as they did in a task of its own.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Coroutine
from typing import Any, Literal, Protocol

from tether.live.owner import resume
from tether.live.transport import Transport

logger = logging.getLogger("tether.runners")

#: What a queued session's ``_runner`` holds until its queue's task reaches it.
QUEUED: Literal[True] = True


class Runnable(Protocol):
    """A live session, as its runner sees it."""

    _runner: asyncio.Task[None] | Literal[True] | None
    transport: Transport

    def _run(self) -> Coroutine[Any, Any, None]: ...


#: Per event loop, the sessions queued for the task that has not started yet.
_queued: dict[asyncio.AbstractEventLoop, list[Runnable]] = {}
#: The runner tasks, held until they are done (the event loop holds tasks weakly).
_starting: set[asyncio.Task[None]] = set()


def schedule(session: Runnable) -> None:
    """Run ``session``'s steps soon, in the turn's shared runner task."""
    session._runner = QUEUED
    loop = asyncio.get_running_loop()
    queue = _queued.get(loop)
    if queue is None:
        queue = _queued[loop] = []
        _start(loop, queue)
    queue.append(session)


def _start(loop: asyncio.AbstractEventLoop, queue: list[Runnable]) -> None:
    task = loop.create_task(_run_queue(loop, queue), name="tether runner")
    _starting.add(task)
    task.add_done_callback(lambda done: _forget(loop, queue, done))


def _forget(
    loop: asyncio.AbstractEventLoop, queue: list[Runnable], task: asyncio.Task[None]
) -> None:
    # Also when cancelled before it ran (its loop closing): no queue of a closed loop stays.
    _starting.discard(task)
    if _queued.get(loop) is queue:
        del _queued[loop]


async def _run_queue(loop: asyncio.AbstractEventLoop, queue: list[Runnable]) -> None:
    if _queued.get(loop) is queue:
        del _queued[loop]  # sessions given work from now on start another queue
    task = asyncio.current_task()
    assert task is not None
    for index, session in enumerate(queue):
        session._runner = task
        context = contextvars.copy_context()
        coro = session._run()
        try:
            waiting = context.run(coro.send, None)
        except StopIteration:
            continue
        except Exception:  # _run() handles its step's errors: this is Tether's own
            logger.exception("a live session's runner failed")
            session._runner = None
            continue
        rest = queue[index + 1 :]
        if rest:
            _start(loop, rest)
        session.transport.owner.adopt(task)
        await resume(coro, waiting, context)
        return
