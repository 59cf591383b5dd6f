from __future__ import annotations

import asyncio
import inspect
import sys

import pytest

from tether.live.owner import Owner


async def test_spawn_runs_and_forgets_finished_tasks() -> None:
    owner = Owner()
    task = owner.spawn(asyncio.sleep(0, result="done"), name="quick")
    assert task.get_name() == "quick"
    assert owner.task_count == 1
    assert await task == "done"
    await asyncio.sleep(0)  # done callbacks run on the next loop turn
    assert owner.task_count == 0


async def test_close_cancels_tasks_and_waits_for_them() -> None:
    owner = Owner()
    cleaned: list[str] = []

    async def forever(name: str) -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0)  # cleanup that itself awaits
            cleaned.append(name)

    tasks = [owner.spawn(forever(n)) for n in ("a", "b")]
    await asyncio.sleep(0)
    await owner.close()
    assert owner.closed
    assert sorted(cleaned) == ["a", "b"]
    assert all(t.cancelled() for t in tasks)


async def test_close_cancels_timers() -> None:
    owner = Owner()
    fired: list[int] = []
    owner.call_later(0.01, lambda: fired.append(1))
    await owner.close()
    await asyncio.sleep(0.03)
    assert fired == []


async def test_timers_fire_and_can_be_cancelled() -> None:
    owner = Owner()
    fired: list[str] = []
    owner.call_later(0, lambda: fired.append("kept"))
    dropped = owner.call_later(0, lambda: fired.append("dropped"))
    owner.cancel_timer(dropped)
    await asyncio.sleep(0.01)
    assert fired == ["kept"]
    assert not owner._handles
    await owner.close()


async def test_a_failing_task_does_not_affect_its_siblings() -> None:
    owner = Owner()
    sibling_done = asyncio.Event()

    async def fail() -> None:
        raise ValueError("boom")

    async def sibling() -> str:
        await asyncio.sleep(0.01)
        sibling_done.set()
        return "ok"

    failing = owner.spawn(fail())
    survivor = owner.spawn(sibling())
    with pytest.raises(ValueError, match="boom"):
        await failing
    assert await survivor == "ok"
    assert sibling_done.is_set()
    assert not owner.closed
    owner.spawn(asyncio.sleep(0))  # still accepts work
    await owner.close()


@pytest.mark.parametrize("method", ["spawn", "start"])
async def test_spawn_or_start_after_close_raises_and_closes_the_coroutine(method: str) -> None:
    owner = Owner()
    await owner.close()

    async def work() -> None:
        raise AssertionError("must never run")

    coro = work()
    with pytest.raises(RuntimeError, match="owner is closed"):
        getattr(owner, method)(coro)
    # Closed, so it is not reported as "never awaited" (filterwarnings=error would fail).
    assert inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED


async def test_call_later_after_close_raises() -> None:
    owner = Owner()
    await owner.close()
    with pytest.raises(RuntimeError, match="owner is closed"):
        owner.call_later(0, lambda: None)


async def test_a_task_may_close_its_own_owner() -> None:
    owner = Owner()
    other = owner.spawn(asyncio.sleep(3600))

    async def closer() -> str:
        await owner.close()  # must not cancel and await itself
        return "closed"

    assert await owner.spawn(closer()) == "closed"
    assert other.cancelled()


async def test_an_owner_whose_tasks_ended_holds_no_more_than_a_new_one() -> None:
    # Every open page's socket owner ran tasks once (its join): idle, it must
    # not keep the table its task dict grew to.
    owner, fresh = Owner(), Owner()
    for _ in range(3):
        await owner.spawn(asyncio.sleep(0))
    await asyncio.sleep(0)
    assert owner.task_count == 0
    assert sys.getsizeof(owner._tasks) == sys.getsizeof(fresh._tasks)


async def test_start_runs_a_coroutine_that_never_waits_at_once_and_makes_no_task() -> None:
    owner = Owner()
    ran: list[str] = []

    async def write() -> None:
        ran.append("written")

    assert owner.start(write()) is None
    assert ran == ["written"]  # before start() returned, not on a later loop turn
    assert owner.task_count == 0


async def test_start_hands_a_coroutine_that_waits_to_a_task_that_finishes_it() -> None:
    owner = Owner()
    gate: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    seen: list[str] = []

    async def write() -> None:
        seen.append("before")
        seen.append(await gate)  # the value the future is given reaches the coroutine
        await asyncio.sleep(0)  # a bare yield: the task steps it again
        seen.append("after")

    task = owner.start(write(), name="writer")
    assert task is not None and task.get_name() == "writer"
    assert seen == ["before"] and owner.task_count == 1
    gate.set_result("value")
    await task
    assert seen == ["before", "value", "after"]


async def test_a_started_coroutine_gets_the_error_and_the_cancellation_of_what_it_waits_on() -> (
    None
):
    owner = Owner()
    loop = asyncio.get_running_loop()
    failing: asyncio.Future[None] = loop.create_future()
    caught: list[str] = []

    async def handles_its_error() -> None:
        try:
            await failing
        except ValueError as exc:
            caught.append(str(exc))

    task = owner.start(handles_its_error())
    assert task is not None
    failing.set_exception(ValueError("broken pipe"))
    await task
    assert caught == ["broken pipe"]

    async def cleans_up() -> None:
        try:
            await loop.create_future()
        finally:
            caught.append("cleaned")

    waiting = owner.start(cleans_up())
    assert waiting is not None
    await asyncio.sleep(0)
    await owner.close()  # cancels the task: the coroutine's finally runs
    assert waiting.cancelled() and caught[-1] == "cleaned"
