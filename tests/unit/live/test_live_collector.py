"""The collector policy: freeze survivors after Python's own full collections."""

from __future__ import annotations

import asyncio
import gc
import weakref

from tether.live.collector import Collector


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


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


async def test_a_cycle_frozen_alive_is_freed_by_the_periodic_complete_collection() -> None:
    collector = Collector()
    collector.install(asyncio.get_running_loop(), full_every=0.0)
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        gc.collect()
        await asyncio.sleep(0)  # frozen while alive
        del a, b
        gc.collect()  # the cycle is out of reach of this one...
        await asyncio.sleep(0)  # ...but full_every=0 makes the next freeze unfreeze and collect
        assert ref() is None
    finally:
        collector.uninstall()
