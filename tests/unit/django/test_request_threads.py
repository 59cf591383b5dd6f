"""Dead renders reuse their request threads instead of starting two threads per page.

Regression: in a crowd of page loads, every request started a thread for its
sync middleware and another to join it, and the event loop waited for each
new thread to get the GIL.
"""

from __future__ import annotations

import asyncio
import threading

from asgiref.sync import sync_to_async

from tether.django.request_threads import RequestThreads


def _thread() -> int:
    return threading.get_ident()


async def _request(threads: RequestThreads, hold: asyncio.Event | None = None) -> list[int]:
    async with threads.lend():
        first = await sync_to_async(_thread)()
        if hold is not None:
            await hold.wait()
        return [first, await sync_to_async(_thread)()]


async def test_a_request_runs_its_sync_parts_in_one_thread_reused_by_the_next() -> None:
    threads = RequestThreads(keep=4)
    try:
        one = await _request(threads)
        two = await _request(threads)
        assert one[0] == one[1] != threading.get_ident()
        assert two == one  # the same thread, not a new one
        assert threads.idle == 1
    finally:
        threads.close()


async def _two_at_once(threads: RequestThreads) -> list[list[int]]:
    """Two requests in flight together: the threads each ran its sync parts in."""
    hold = asyncio.Event()
    both = asyncio.gather(_request(threads, hold), _request(threads, hold))
    await asyncio.sleep(0.05)
    hold.set()
    return list(await both)


async def test_requests_at_the_same_time_get_threads_of_their_own() -> None:
    threads = RequestThreads(keep=4)
    try:
        one, two = await _two_at_once(threads)
        assert one[0] == one[1] and two[0] == two[1]
        assert one[0] != two[0]
        assert threads.idle == 2
    finally:
        threads.close()


async def test_no_more_than_keep_idle_threads_stay() -> None:
    threads = RequestThreads(keep=1)
    try:
        await _two_at_once(threads)
        assert threads.idle == 1
    finally:
        threads.close()


async def test_a_thread_still_busy_with_its_request_is_not_lent_again() -> None:
    threads = RequestThreads(keep=4)
    release = threading.Event()
    started = threading.Event()

    def slow() -> None:
        started.set()
        release.wait(5)

    try:
        async with threads.lend():
            # A sync call that outlives its request (its client went away).
            leftover = asyncio.ensure_future(sync_to_async(slow)())
            await asyncio.to_thread(started.wait, 5)
        assert threads.idle == 0
        release.set()
        await leftover
    finally:
        release.set()
        threads.close()


async def test_zero_keeps_djangos_thread_per_request() -> None:
    threads = RequestThreads(keep=0)
    await _request(threads)
    assert threads.idle == 0
