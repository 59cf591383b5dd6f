from __future__ import annotations

import asyncio

import pytest

import tether.presence as presence_module
import tether.presence.process as presence_process
from tether.errors import ConfigurationError
from tether.presence import MemoryPresenceStore, Presence, PresenceDiff
from tether.pubsub import MemoryPubSub, Message, PubSubClosed, config


@pytest.fixture
async def ps():
    pubsub = MemoryPubSub()
    yield pubsub
    await pubsub.close()


@pytest.fixture
async def presence(ps: MemoryPubSub):
    p = Presence(ps)
    yield p
    await p.close()


def diffs(messages: list[Message]) -> list[PresenceDiff]:
    return [m.payload for m in messages if isinstance(m.payload, PresenceDiff)]


async def test_two_tabs_are_one_key_with_two_metas(presence: Presence) -> None:
    ref1 = await presence.track("room:1", "ann", {"tab": 1}, owner="view-a")
    ref2 = await presence.track("room:1", "ann", {"tab": 2}, owner="view-b")
    await presence.track("room:1", "bob", {"tab": 1}, owner="view-c")

    listed = await presence.list("room:1")

    assert ref1 != ref2
    assert sorted(listed) == ["ann", "bob"]
    assert listed["ann"] == [{"tab": 1, "phx_ref": ref1}, {"tab": 2, "phx_ref": ref2}]
    assert await presence.list("room:2") == {}


async def test_join_and_leave_diffs_are_broadcast_on_the_topic(
    ps: MemoryPubSub, presence: Presence
) -> None:
    seen: list[Message] = []
    await ps.subscribe("room:1", seen.append)

    ref = await presence.track("room:1", "ann", {"name": "Ann"})
    await presence.untrack("room:1", "ann", ref)
    await presence.untrack("room:1", "ann", ref)  # idempotent: no second leave

    meta = {"name": "Ann", "phx_ref": ref}
    assert diffs(seen) == [
        PresenceDiff(joins={"ann": [meta]}, leaves={}),
        PresenceDiff(joins={}, leaves={"ann": [meta]}),
    ]
    assert await presence.list("room:1") == {}


async def test_untrack_owner_drops_all_of_one_views_entries(
    ps: MemoryPubSub, presence: Presence
) -> None:
    seen: list[Message] = []
    await ps.subscribe("room:2", seen.append)
    await presence.track("room:1", "ann", {}, owner="view-a")
    await presence.track("room:2", "ann", {}, owner="view-a")
    kept = await presence.track("room:1", "ann", {}, owner="view-b")

    await presence.untrack_owner("view-a")

    assert await presence.list("room:1") == {"ann": [{"phx_ref": kept}]}
    assert await presence.list("room:2") == {}
    assert [sorted(d.leaves) for d in diffs(seen) if d.leaves] == [["ann"]]


async def test_the_callers_meta_is_not_mutated(presence: Presence) -> None:
    meta = {"status": "away"}
    await presence.track("t", "ann", meta)
    assert meta == {"status": "away"}


async def test_close_untracks_everything(ps: MemoryPubSub) -> None:
    presence = Presence(ps)
    seen: list[Message] = []
    await ps.subscribe("t", seen.append)
    await presence.track("t", "ann", {})
    await presence.close()
    assert [list(d.leaves) for d in diffs(seen) if d.leaves] == [["ann"]]
    assert await presence.store.entries("t") == []
    await presence.close()


def test_the_heartbeat_ttl_must_outlast_the_interval() -> None:
    with pytest.raises(ConfigurationError, match="HEARTBEAT_TTL"):
        Presence(MemoryPubSub(), heartbeat_interval=5, heartbeat_ttl=5)


def test_get_presence_uses_the_process_pubsub_and_the_settings(settings, monkeypatch) -> None:
    monkeypatch.setattr(config, "_pubsub", None)
    monkeypatch.setattr(presence_process, "_presence", None)
    settings.TETHER = {
        "PRESENCE": {
            "OPTIONS": {"HEARTBEAT_INTERVAL": 1, "HEARTBEAT_TTL": 3, "BROADCAST_PERIOD": 0.25}
        }
    }
    presence = presence_module.get_presence()
    assert presence is presence_module.get_presence()
    assert presence.pubsub is config.get_pubsub()
    assert presence.broadcast_period == 0.25
    assert isinstance(presence.store, MemoryPresenceStore)
    assert (presence.store.heartbeat_interval, presence.store.heartbeat_ttl) == (1, 3)


async def test_after_close_leaving_is_a_no_op_and_tracking_refuses(ps: MemoryPubSub) -> None:
    presence = Presence(ps)
    ref = await presence.track("t", "ann", {}, owner="view-a")
    await presence.close()
    await presence.untrack("t", "ann", ref)
    await presence.untrack_owner("view-a")
    with pytest.raises(PubSubClosed):
        await presence.track("t", "ann", {})


async def test_a_join_storm_into_a_big_room_reaches_its_views_as_one_diff(ps: MemoryPubSub) -> None:
    presence = Presence(ps, broadcast_period=0.01, updates_per_second=1000)
    seen: list[Message] = []
    await ps.subscribe("room:big", seen.append)
    for _ in range(299):  # 300 views of the room in this process: one diff per 0.3 s
        await ps.subscribe("room:big", lambda message: None)
    try:
        for n in range(100):
            await presence.track("room:big", f"user{n:03d}", {"n": n})
        await asyncio.sleep(0.6)
        got = diffs(seen)
        assert len(got) == 1
        assert sorted(got[0].joins) == [f"user{n:03d}" for n in range(100)]
    finally:
        await presence.close()


async def test_a_small_room_hears_of_a_join_within_the_broadcast_period(ps: MemoryPubSub) -> None:
    presence = Presence(ps, broadcast_period=0.05, updates_per_second=1000)
    seen: list[Message] = []
    await ps.subscribe("room:small", seen.append)
    try:
        await presence.track("room:small", "ann", {})
        await asyncio.sleep(0.2)
        assert [sorted(d.joins) for d in diffs(seen)] == [["ann"]]
        assert presence.interval("room:small") == 0.05
    finally:
        await presence.close()


async def test_a_tab_that_leaves_as_presence_closes_is_never_announced(ps: MemoryPubSub) -> None:
    presence = Presence(ps, broadcast_period=60.0)
    seen: list[Message] = []
    await ps.subscribe("room:1", seen.append)
    await presence.track("room:1", "ann", {}, owner="view-a")
    await presence.close()
    # Closing untracks ann within the same wait as her join: one diff would cancel out.
    assert diffs(seen) == []
