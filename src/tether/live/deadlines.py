"""Handler deadlines: one sweep cancels any step that runs past ``HANDLER_TIMEOUT``.

An ``asyncio.timeout`` around every step cost a timer for every click and for
every broadcast each view receives (a heap push, its cancellation, a task
lookup): about a tenth of a click's CPU, for steps that run for microseconds
and almost never overrun. Instead, the table of steps in flight that the
watchdog already reads (``watchdog.steps``, kept in the order the steps
started) is swept a few times per limit: a step past its deadline has its
runner cancelled and is marked ``expired``, so that its session can tell an
overrun from a close.

The price is precision: a step is cancelled between its deadline and a
quarter of the limit later (at most 250 ms later). The sweep stops at the
first step still within its deadline, so it costs nothing per step in flight,
and it stops rescheduling itself when no step is in flight.
"""

from __future__ import annotations

import asyncio
import time

from tether import watchdog

LONGEST_WAIT = 0.25  # seconds between sweeps, at most

#: The sweep scheduled on each running loop, and its interval.
_sweeps: dict[asyncio.AbstractEventLoop, tuple[asyncio.TimerHandle, float]] = {}


def watch(limit: float) -> None:
    """Make sure the running loop sweeps its steps often enough for ``limit``."""
    loop = asyncio.get_running_loop()
    every = min(LONGEST_WAIT, limit / 4)
    found = _sweeps.get(loop)
    if found is not None:
        if found[1] <= every:
            return
        found[0].cancel()  # a shorter limit than the sweep was scheduled for
    _sweeps[loop] = (loop.call_later(every, _sweep, loop, every), every)


def _sweep(loop: asyncio.AbstractEventLoop, every: float) -> None:
    del _sweeps[loop]
    now = time.monotonic()
    for task, step in watchdog.steps.items():
        if step.deadline > now:
            break
        if not (step.expired or step.over) and task.get_loop() is loop:
            step.expired = True
            task.cancel()
    if any(task.get_loop() is loop for task in watchdog.steps):
        _sweeps[loop] = (loop.call_later(every, _sweep, loop, every), every)
