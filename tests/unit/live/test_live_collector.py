"""The collector policy: freeze survivors after Python's own full collections."""

from __future__ import annotations

import asyncio
import gc
import weakref

from tether.live.collector import Collector


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


async def a_cycle_frozen_alive() -> weakref.ref[Node]:
    """Two nodes holding each other, frozen after a full collection, then let go."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    gc.collect()
    await asyncio.sleep(0)  # the installed collector freezes them, alive
    return weakref.ref(a)


async def test_a_full_collection_is_followed_by_a_freeze() -> None:
    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=None)
    try:
        gc.collect()
        await asyncio.sleep(0)
        assert collector.freezes == 1
        assert gc.get_freeze_count() > 0
    finally:
        collector.uninstall()
    assert gc.get_freeze_count() == 0


async def test_young_collections_do_not_freeze() -> None:
    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=None)
    try:
        gc.collect(0)
        await asyncio.sleep(0)
        assert collector.freezes == 0
    finally:
        collector.uninstall()


async def test_after_1_freezes_after_the_middle_generations_collections_too() -> None:
    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=None, after=1)
    try:
        gc.collect(1)
        await asyncio.sleep(0)
        assert collector.freezes == 1
        gc.collect(0)
        await asyncio.sleep(0)
        assert collector.freezes == 1, "a young collection froze"
    finally:
        collector.uninstall()


async def test_a_cycle_frozen_alive_is_freed_by_the_periodic_complete_collection() -> None:
    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=0.0)
    try:
        ref = await a_cycle_frozen_alive()
        gc.collect()  # the cycle is out of reach of this one...
        await asyncio.sleep(0)  # ...but full_every=0 makes the next freeze unfreeze and collect
        assert ref() is None
    finally:
        collector.uninstall()


async def test_complete_frees_a_cycle_frozen_alive_and_freezes_the_survivors_again() -> None:
    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=None)
    try:
        ref = await a_cycle_frozen_alive()
        gc.collect()
        await asyncio.sleep(0)  # and frozen again after this one
        assert ref() is not None, "Python's own collection reached a frozen cycle"
        freezes = collector.freezes
        collector.complete()
        assert ref() is None
        assert collector.freezes == freezes + 1
        assert gc.get_freeze_count() > 0
        await asyncio.sleep(0)  # its own collection asks for no second freeze
        assert collector.freezes == freezes + 1
    finally:
        collector.uninstall()


async def test_a_freeze_waits_for_requests_in_flight_and_keeps_none_of_their_cycles() -> None:
    # Django's request and its message storage hold each other: a cycle that
    # dies when the request ends. Frozen while in flight, it would be kept
    # until the complete collection (minutes): memory every open page paid.
    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=None, quiet_wait=5.0)
    try:
        request, storage = Node(), Node()
        request.other, storage.other = storage, request
        ref = weakref.ref(request)
        collector.requests += 1  # the request is in flight
        gc.collect()
        await asyncio.sleep(0.1)
        assert collector.freezes == 0, "froze with a request in flight"
        del request, storage
        collector.requests -= 1  # it ended: its cycle is garbage now
        await asyncio.sleep(0.2)
        assert collector.freezes == 1
        assert ref() is None, "the request's cycle was frozen alive"
    finally:
        collector.uninstall()


async def test_a_freeze_waits_for_a_step_in_flight() -> None:
    busy = [True]
    collector = Collector()
    collector.install(
        asyncio.get_running_loop(), full_every=None, quiet_wait=5.0, busy=lambda: busy[0]
    )
    try:
        gc.collect()
        await asyncio.sleep(0.1)
        assert collector.freezes == 0
        busy[0] = False
        await asyncio.sleep(0.2)
        assert collector.freezes == 1
    finally:
        collector.uninstall()


async def test_a_freeze_that_never_finds_a_quiet_moment_happens_after_quiet_wait() -> None:
    collector = Collector()
    collector.install(
        asyncio.get_running_loop(), full_every=None, quiet_wait=0.2, busy=lambda: True
    )
    try:
        gc.collect()
        await asyncio.sleep(0.05)
        assert collector.freezes == 0
        await asyncio.sleep(0.4)
        assert collector.freezes == 1
    finally:
        collector.uninstall()


async def test_full_after_sets_pythons_third_threshold_while_installed() -> None:
    before = gc.get_threshold()
    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=None, full_after=1)
    try:
        assert gc.get_threshold() == (before[0], before[1], 1)
    finally:
        collector.uninstall()
    assert gc.get_threshold() == before


async def test_a_full_collection_is_not_held_back_by_what_was_frozen() -> None:
    """Python waits for a quarter of what its last full collection kept: not what we froze."""
    full = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            full.append(info)

    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=None, full_after=1)
    held = [[] for _ in range(200_000)]  # an open process's pages
    gc.callbacks.append(count)
    try:
        gc.collect()
        await asyncio.sleep(0)  # the collector freezes them
        full.clear()
        # Far fewer new survivors than a quarter of what is frozen.
        newer = [[] for _ in range(20_000)]
        assert full, "no full collection ran: Python counted what was frozen"
    finally:
        gc.callbacks.remove(count)
        collector.uninstall()
    del held, newer


async def test_a_full_collection_freezes_what_it_kept_before_the_turn_goes_on() -> None:
    """A broadcast to thousands of views is one turn: its next collection must not
    walk again what the last one kept."""
    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=None)
    try:
        gc.collect()  # and no await after it: still the same turn
        assert collector.freezes == 1
        frozen = gc.get_freeze_count()
        kept = [[] for _ in range(1_000)]
        gc.collect()
        assert collector.freezes == 2
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        collector.uninstall()


async def test_a_collector_whose_loop_is_gone_freezes_nothing() -> None:
    # A process that served one loop and runs another (a test suite) must not
    # have the first one's collector freezing the second one's objects.
    other = asyncio.new_event_loop()
    stale = Collector()
    stale.install(other, full_every=None)
    other.close()
    try:
        gc.collect()
        assert stale.freezes == 0
        assert gc.get_freeze_count() == 0
    finally:
        stale.uninstall()


def test_a_collection_while_the_loop_is_stopped_freezes_on_its_next_turn() -> None:
    """Hypothesis calls gc.collect() and then gc.get_referrers() between the turns
    of a test's loop: a freeze in between hid the referrers it looked for."""
    loop = asyncio.new_event_loop()
    collector = Collector()
    collector.install(loop, full_every=None)
    try:
        held = [Node()]
        gc.collect()
        assert collector.freezes == 0
        assert gc.get_referrers(held[0]) == [held]
        loop.run_until_complete(asyncio.sleep(0))
        assert collector.freezes == 1
        assert gc.get_referrers(held[0]) == []  # frozen now, as in a served loop
    finally:
        collector.uninstall()
        loop.close()


async def test_a_freeze_left_pending_on_a_stopped_loop_does_not_hold_back_the_next_loop() -> None:
    collector = Collector()
    stopped = asyncio.new_event_loop()
    collector.install(stopped, full_every=None)
    try:
        gc.collect()  # a freeze asked of a loop that will not run again
        stopped.close()
        collector.install(asyncio.get_running_loop(), full_every=None)
        gc.collect()
        assert collector.freezes == 1
    finally:
        collector.uninstall()
