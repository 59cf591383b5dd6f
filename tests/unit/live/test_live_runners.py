"""The shared runner task of the sessions given work in one turn (live/runners.py)."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from tether.live import runners
from tether.live.owner import Owner

_who: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")


class _Transport:
    def __init__(self) -> None:
        self.owner = Owner()


class _Session:
    """A session as the runner sees it: ``_run`` does one step, given as a coroutine function."""

    def __init__(self, name: str, step: Callable[[_Session], Awaitable[None]]) -> None:
        self.name = name
        self.step = step
        self.transport = _Transport()
        self._runner: asyncio.Task[None] | Literal[True] | None = None
        self.tasks: list[asyncio.Task[Any] | None] = []
        self.done = asyncio.get_running_loop().create_future()

    async def _run(self) -> None:
        try:
            self.tasks.append(asyncio.current_task())
            await self.step(self)
            self.tasks.append(asyncio.current_task())
        finally:
            self._runner = None
            self.done.set_result(None)


async def _quick(session: _Session) -> None:
    pass


async def test_sessions_given_work_in_one_turn_run_in_one_task_when_their_steps_never_wait() -> (
    None
):
    sessions = [_Session(name, _quick) for name in "abc"]
    for session in sessions:
        runners.schedule(session)
        assert session._runner is runners.QUEUED
    await asyncio.gather(*(s.done for s in sessions))
    tasks = {id(t) for s in sessions for t in s.tasks}
    assert len(tasks) == 1  # one task, not one per session
    assert all(s._runner is None for s in sessions)
    assert all(s.transport.owner.task_count == 0 for s in sessions)


async def test_a_step_that_waits_keeps_its_task_and_the_rest_of_the_turn_goes_on_without_it() -> (
    None
):
    gate: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def waits(session: _Session) -> None:
        await gate

    slow, after = _Session("slow", waits), _Session("after", _quick)
    runners.schedule(slow)
    runners.schedule(after)
    await after.done  # not held up by the waiting step before it
    assert not slow.done.done()
    assert slow.transport.owner.task_count == 1  # its socket owns the waiting task now
    assert slow._runner is slow.tasks[0]
    gate.set_result(None)
    await slow.done
    assert slow.tasks[0] is slow.tasks[1]  # the same task before and after the wait
    assert after.tasks[0] is not slow.tasks[0]


async def test_a_timeout_in_a_waiting_step_cancels_that_step_only() -> None:
    outcome: list[str] = []

    async def times_out(session: _Session) -> None:
        try:
            async with asyncio.timeout(0.01):
                await asyncio.sleep(3600)
        except TimeoutError:
            outcome.append("timed out")

    async def sleeps_a_bit(session: _Session) -> None:
        await asyncio.sleep(0.05)
        outcome.append("slept")

    first, second = _Session("first", times_out), _Session("second", sleeps_a_bit)
    runners.schedule(first)
    runners.schedule(second)
    await asyncio.gather(first.done, second.done)
    assert outcome == ["timed out", "slept"]


async def test_context_variables_a_step_sets_stay_with_its_session() -> None:
    seen: dict[str, str] = {}

    async def sets_and_waits(session: _Session) -> None:
        seen[f"{session.name} before"] = _who.get()
        _who.set(session.name)
        await asyncio.sleep(0)
        seen[f"{session.name} after"] = _who.get()

    sessions = [_Session(name, sets_and_waits) for name in ("ann", "bob")]
    for session in sessions:
        runners.schedule(session)
    await asyncio.gather(*(s.done for s in sessions))
    assert seen == {
        "ann before": "nobody",
        "ann after": "ann",
        "bob before": "nobody",  # not ann's, though the same task started both
        "bob after": "bob",
    }
    assert _who.get() == "nobody"


async def test_a_closed_socket_cancels_the_step_waiting_in_its_session() -> None:
    cleaned: list[str] = []

    async def waits_forever(session: _Session) -> None:
        try:
            await asyncio.get_running_loop().create_future()
        finally:
            cleaned.append(session.name)

    session = _Session("forever", waits_forever)
    runners.schedule(session)
    await asyncio.sleep(0)
    await session.transport.owner.close()
    assert cleaned == ["forever"]


async def test_a_runner_cancelled_before_it_ran_leaves_no_queue_behind() -> None:
    # As when its loop closes: the next session given work gets a runner again.
    loop = asyncio.get_running_loop()
    stranded = _Session("stranded", _quick)
    runners.schedule(stranded)
    (task,) = runners._starting
    task.cancel()
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # its done callback
    assert loop not in runners._queued and not runners._starting
    later = _Session("later", _quick)
    runners.schedule(later)
    await later.done
    assert not stranded.done.done()  # never ran: its runner was gone
