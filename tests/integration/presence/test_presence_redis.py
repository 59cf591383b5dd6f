from __future__ import annotations

import asyncio
import os
import pickle
import sys
import textwrap
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import redis.asyncio as aioredis

import tether.pubsub
from tests.conftest import REDIS_URL
from tether.presence import Presence, PresenceDiff
from tether.pubsub import Message
from tether.pubsub.redis import RedisPubSub

pytestmark = pytest.mark.redis

SECRET = "test-secret"
# Fast heartbeats: a dead node's entries must be gone within TTL + interval (2.5 s).
FAST = {"heartbeat_interval": 0.5, "heartbeat_ttl": 2.0}
BOUND = 2.5


@pytest.fixture
def prefix(redis_prefix: str) -> str:
    return redis_prefix


@pytest.fixture
async def make_node(prefix: str) -> AsyncIterator[Callable[[], Presence]]:
    """Each node is a RedisPubSub + Presence pair standing for one process."""
    nodes: list[Presence] = []

    def make() -> Presence:
        presence = Presence(RedisPubSub(REDIS_URL, prefix=prefix, secret=SECRET), **FAST)
        nodes.append(presence)
        return presence

    yield make
    for node in nodes:
        await node.close()
        await node.pubsub.close()


async def eventually(check: Callable[[], object], within: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.02)


async def listing(presence: Presence, topic: str, within: float, check: Callable) -> dict:
    """Poll ``list(topic)`` until ``check`` accepts it; return that listing."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        current = await presence.list(topic)
        if check(current):
            return current
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"presence of {topic!r} still {current} after {within}s")
        await asyncio.sleep(0.05)


def diffs(messages: list[Message]) -> list[PresenceDiff]:
    return [m.payload for m in messages if isinstance(m.payload, PresenceDiff)]


async def test_entries_and_diffs_are_shared_between_nodes(make_node) -> None:
    a, b = make_node(), make_node()
    seen_on_b: list[Message] = []
    await b.pubsub.subscribe("room:1", seen_on_b.append)

    ref1 = await a.track("room:1", "ann", {"tab": 1}, owner="view-1")
    ref2 = await b.track("room:1", "ann", {"tab": 2}, owner="view-2")

    for node in (a, b):
        assert await node.list("room:1") == {
            "ann": [{"tab": 1, "phx_ref": ref1}, {"tab": 2, "phx_ref": ref2}]
        }
    await eventually(lambda: len(diffs(seen_on_b)) == 2)
    assert diffs(seen_on_b)[0] == PresenceDiff(joins={"ann": [{"tab": 1, "phx_ref": ref1}]})

    await a.untrack_owner("view-1")
    await eventually(lambda: len(diffs(seen_on_b)) == 3)
    assert diffs(seen_on_b)[2] == PresenceDiff(leaves={"ann": [{"tab": 1, "phx_ref": ref1}]})
    assert await b.list("room:1") == {"ann": [{"tab": 2, "phx_ref": ref2}]}


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from tether.presence import Presence
    from tether.pubsub.redis import RedisPubSub

    async def main():
        url, prefix, secret = sys.argv[1:4]
        ps = RedisPubSub(url, prefix=prefix, secret=secret)
        presence = Presence(ps, heartbeat_interval=0.5, heartbeat_ttl=2.0)
        await presence.track("room:1", "bob", {"from": "child"})
        await presence.track("room:2", "bob", {"from": "child"})
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


async def test_a_killed_process_leaves_within_the_bound(make_node, prefix: str) -> None:
    survivor = make_node()
    seen: list[Message] = []
    await survivor.pubsub.subscribe("room:1", seen.append)
    await survivor.track("room:1", "ann", {})

    src = Path(next(iter(tether.pubsub.__path__))).parents[1]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CHILD,
        REDIS_URL,
        prefix,
        SECRET,
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), timeout=20)
        assert line.strip() == b"ready"
        await listing(survivor, "room:1", 5, lambda p: "bob" in p)
        await eventually(lambda: any("bob" in d.joins for d in diffs(seen)))
    finally:
        child.kill()  # SIGKILL: no cleanup runs in the child
        await child.communicate()

    # Generous over the ~2.5 s bound: only the bound's order matters, not exact timing.
    remaining = await listing(survivor, "room:1", BOUND + 5, lambda p: "bob" not in p)
    assert list(remaining) == ["ann"]
    assert await survivor.list("room:2") == {}
    await eventually(lambda: any("bob" in d.leaves for d in diffs(seen)))
    leaves = [d.leaves["bob"] for d in diffs(seen) if "bob" in d.leaves]
    assert leaves == [[{"from": "child", "phx_ref": leaves[0][0]["phx_ref"]}]]


async def test_each_leave_of_a_dead_node_is_broadcast_once(make_node, prefix: str) -> None:
    watcher = make_node()
    seen: list[Message] = []
    await watcher.pubsub.subscribe("room:1", seen.append)
    others = [make_node() for _ in range(3)]
    for node in others:
        await node.start()
    # A node that stops heartbeating without untracking (simulated in-process).
    doomed = make_node()
    await doomed.track("room:1", "bob", {})
    # Stop its heartbeat and drop its alive key; its entries stay in Redis,
    # as if the process had died.
    await doomed.store.close()

    await listing(watcher, "room:1", BOUND + 5, lambda p: "bob" not in p)
    await asyncio.sleep(1.0)  # every node has had another chance to reap
    assert sum("bob" in d.leaves for d in diffs(seen)) == 1


async def test_stored_entries_are_signed_and_a_forged_one_is_ignored(
    make_node, prefix: str
) -> None:
    a = make_node()
    ref = await a.track("room:1", "ann", {})
    key = f"{prefix}presence:topic:room:1"
    async with aioredis.Redis.from_url(REDIS_URL) as client:
        stored = await client.hget(key, ref)
        assert stored is not None and b"ann" in stored  # a signed pickle, not an opaque id
        # Someone with write access to Redis but without the secret adds an entry.
        await client.hset(key, "forged", pickle.dumps(("eve", {"phx_ref": "forged"})))
    assert await a.list("room:1") == {"ann": [{"phx_ref": ref}]}


async def test_a_node_restores_its_entries_after_redis_lost_them(make_node, prefix: str) -> None:
    a, b = make_node(), make_node()
    seen: list[Message] = []
    await b.pubsub.subscribe("room:1", seen.append)
    ref = await a.track("room:1", "ann", {})

    async with aioredis.Redis.from_url(REDIS_URL) as client:
        keys = [k async for k in client.scan_iter(match=prefix + "presence:*")]
        await client.delete(*keys)  # what a Redis restart without persistence does
    assert await b.list("room:1") == {}

    restored = await listing(b, "room:1", 5, lambda p: "ann" in p)
    assert restored == {"ann": [{"phx_ref": ref}]}
    await eventually(lambda: sum("ann" in d.joins for d in diffs(seen)) == 2)
