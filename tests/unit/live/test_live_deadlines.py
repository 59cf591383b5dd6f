"""Handler deadlines: one sweep cancels the steps past their deadline, and only those."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from tether import watchdog
from tether.live import deadlines
from tether.protocol import Mailbox


def _step(deadline: float) -> watchdog.Step:
    return watchdog.Step(SimpleNamespace(view_cls=object), Mailbox.EVENT, {}, deadline)


async def test_the_sweep_cancels_only_steps_past_their_deadline_and_then_stops() -> None:
    async def runner() -> None:
        await asyncio.sleep(3600)

    late, early, done = (asyncio.create_task(runner()) for _ in range(3))
    now = time.monotonic()
    steps = {late: _step(now + 0.05), done: _step(now + 0.05), early: _step(now + 3600)}
    steps[done].over = True  # its handler returned: what follows has no deadline
    try:
        for task, step in steps.items():
            watchdog.publish(task, step)
        deadlines.watch(0.1)  # sweeps every 25 ms
        await asyncio.sleep(0.15)
        assert late.cancelled() and steps[late].expired
        assert not done.done() and not steps[done].expired
        assert not early.done() and not steps[early].expired
    finally:
        for task in steps:
            watchdog.steps.pop(task, None)
            task.cancel()
    await asyncio.sleep(0.05)
    assert asyncio.get_running_loop() not in deadlines._sweeps  # nothing in flight: no timer


async def test_a_shorter_limit_makes_the_sweep_more_frequent() -> None:
    deadlines.watch(2.0)
    assert deadlines._sweeps[asyncio.get_running_loop()][1] == deadlines.LONGEST_WAIT
    deadlines.watch(0.2)
    assert deadlines._sweeps[asyncio.get_running_loop()][1] == 0.05
    deadlines._sweeps.pop(asyncio.get_running_loop())[0].cancel()
