"""Write-through checkpoints: marked views are frozen in bounded batches, between steps."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tether.live.checkpoints import Checkpoints, Outcome


class View:
    def __init__(self, outcomes: list[Outcome]) -> None:
        self.outcomes = outcomes
        self.calls = 0

    async def checkpoint(self) -> Outcome:
        self.calls += 1
        return self.outcomes.pop(0) if self.outcomes else "written"


@pytest.fixture
def checkpoints(settings: Any) -> Checkpoints:
    # A pass every hour: the tests drive the passes themselves.
    settings.TETHER = {"CHECKPOINT": {"ENABLED": True, "EVERY": 3600, "BATCH": 3}}
    return Checkpoints()


async def test_a_view_marked_twice_is_written_once_and_a_busy_one_next_pass(
    checkpoints: Checkpoints,
) -> None:
    idle, busy = View([]), View(["busy"])
    checkpoints.mark(idle)
    checkpoints.mark(busy)
    checkpoints.mark(idle)
    await checkpoints.write_pass()
    assert (idle.calls, busy.calls, checkpoints.written) == (1, 1, 1)
    await checkpoints.write_pass()
    assert (idle.calls, busy.calls, checkpoints.written) == (1, 2, 2)
    await checkpoints.close()


async def test_a_pass_writes_at_most_batch_views(checkpoints: Checkpoints) -> None:
    views = [View([]) for _ in range(7)]
    for view in views:
        checkpoints.mark(view)
    await checkpoints.write_pass()
    assert [v.calls for v in views] == [1, 1, 1, 0, 0, 0, 0]
    await checkpoints.close()


async def test_a_forgotten_view_is_not_written(checkpoints: Checkpoints) -> None:
    left = View([])
    checkpoints.mark(left)
    checkpoints.forget(left)  # it closed without freezing (left the page)
    await checkpoints.write_pass()
    assert left.calls == 0
    await checkpoints.close()


async def test_the_writer_task_writes_on_its_own(settings: Any) -> None:
    settings.TETHER = {"CHECKPOINT": {"ENABLED": True, "EVERY": 0.01, "BATCH": 3}}
    checkpoints = Checkpoints()
    view = View([])
    checkpoints.mark(view)
    for _ in range(500):
        await asyncio.sleep(0.01)
        if view.calls:
            break
    assert view.calls == 1
    await checkpoints.close()
