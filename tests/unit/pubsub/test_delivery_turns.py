"""A broadcast to a big room is served over several turns of the event loop.

Regression: a presence diff to a room of thousands made every view render in
one turn of the loop, and the sockets' heartbeats waited seconds for it.
"""

from __future__ import annotations

import asyncio

import pytest

from tether.pubsub import MemoryPubSub, Message


@pytest.fixture
async def ps():
    pubsub = MemoryPubSub()
    pubsub.deliver_per_turn = 10
    await pubsub.start()
    yield pubsub
    await pubsub.close()


async def _settle(pubsub: MemoryPubSub) -> None:
    for _ in range(100):
        if not pubsub.pending_deliveries:
            return
        await asyncio.sleep(0)
    raise AssertionError("the backlog never drained")


async def test_a_big_room_is_served_over_several_turns_with_other_work_between(
    ps: MemoryPubSub,
) -> None:
    got: list[int] = []
    for i in range(35):
        await ps.subscribe("room", lambda m, i=i: got.append(i))
    beats: list[int] = []
    # A socket's frame, arriving while the room is being served.
    asyncio.get_running_loop().call_soon(lambda: beats.append(len(got)))

    await ps.broadcast("room", "hello")
    assert got == list(range(10))  # the first turn's share, at once
    assert ps.pending_deliveries == 25

    await _settle(ps)
    assert got == list(range(35))  # everyone, in subscription order
    assert beats and beats[0] < 35  # the frame was served before the room was done


async def test_every_subscriber_sees_messages_in_broadcast_order(ps: MemoryPubSub) -> None:
    seen: dict[str, list[object]] = {}
    for i in range(25):
        name = f"big{i}"
        await ps.subscribe("big", lambda m, n=name: seen.setdefault(n, []).append(m.payload))
    both: list[object] = []
    await ps.subscribe("big", lambda m: both.append(m.payload))
    await ps.subscribe("small", lambda m: both.append(m.payload))

    await ps.broadcast("big", 1)
    await ps.broadcast("small", 2)  # behind the big room's backlog, not ahead of it
    await ps.broadcast("big", 3)
    await _settle(ps)

    assert all(payloads == [1, 3] for payloads in seen.values())
    assert len(seen) == 25
    assert both == [1, 2, 3]


async def test_a_subscriber_gone_before_its_turn_gets_nothing(ps: MemoryPubSub) -> None:
    got: list[Message] = []
    subs = [await ps.subscribe("room", got.append) for _ in range(30)]
    await ps.broadcast("room", "x")
    for sub in subs[10:]:
        await sub.unsubscribe()
    await _settle(ps)
    assert len(got) == 10


async def test_close_with_a_backlog_ends_its_task_and_delivers_no_more() -> None:
    pubsub = MemoryPubSub()
    pubsub.deliver_per_turn = 5
    await pubsub.start()
    got: list[Message] = []
    for _ in range(20):
        await pubsub.subscribe("room", got.append)
    await pubsub.broadcast("room", "x")
    assert pubsub.pending_deliveries == 15
    tasks = asyncio.all_tasks()

    await pubsub.close()
    for _ in range(10):
        await asyncio.sleep(0)
    assert len(got) == 5
    assert pubsub.pending_deliveries == 0
    assert all(task.done() for task in tasks if task is not asyncio.current_task())


async def test_broadcasts_faster_than_the_room_takes_them_never_pile_up(
    ps: MemoryPubSub,
) -> None:
    # Past backlog_limit waiting broadcasts, all are handed out at once (in order):
    # the views' bounded mailboxes decide what to drop, not an unbounded backlog.
    ps.backlog_limit = 3
    got: dict[int, list[object]] = {}
    for i in range(25):
        await ps.subscribe("room", lambda m, i=i: got.setdefault(i, []).append(m.payload))
    for n in range(3):
        await ps.broadcast("room", n)
    assert ps.pending_deliveries == 3 * 25 - 10  # the first turn's share went at once
    await ps.broadcast("room", 3)  # three wait already: everything goes now

    assert ps.pending_deliveries == 0
    assert all(payloads == [0, 1, 2, 3] for payloads in got.values())
    assert len(got) == 25
