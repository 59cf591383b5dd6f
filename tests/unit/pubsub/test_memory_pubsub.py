from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

from tether.errors import ConfigurationError
from tether.pubsub import (
    MemoryPubSub,
    Message,
    PubSub,
    PubSubClosed,
    build_pubsub,
    get_pubsub,
)


@dataclass(frozen=True)
class Said:
    who: str
    text: str


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.messages.append(message)

    @property
    def payloads(self) -> list[object]:
        return [m.payload for m in self.messages]


@pytest.fixture
async def ps():
    pubsub = MemoryPubSub()
    await pubsub.start()
    yield pubsub
    await pubsub.close()


async def test_broadcast_reaches_subscribers_of_that_topic_only(ps: PubSub) -> None:
    room, other = Inbox(), Inbox()
    await ps.subscribe("room:1", room)
    await ps.subscribe("room:2", other)

    await ps.broadcast("room:1", Said("ann", "hi"))

    assert room.payloads == [Said("ann", "hi")]
    assert other.messages == []
    message = room.messages[0]
    assert (message.topic, message.node, message.owner) == ("room:1", ps.node_id, None)


async def test_unsubscribe_stops_delivery_and_is_idempotent(ps: PubSub) -> None:
    inbox = Inbox()
    handle = await ps.subscribe("t", inbox)
    await ps.broadcast("t", 1)
    await handle.unsubscribe()
    await handle.unsubscribe()
    await ps.unsubscribe(handle)
    await ps.broadcast("t", 2)

    assert inbox.payloads == [1]
    assert not handle.active
    assert ps.topics() == []


async def test_registry_is_per_topic(ps: PubSub) -> None:
    handles = [await ps.subscribe("a", Inbox()) for _ in range(3)]
    await ps.subscribe("b", Inbox())
    assert ps.subscriber_count("a") == 3
    assert sorted(ps.topics()) == ["a", "b"]
    for handle in handles:
        await handle.unsubscribe()
    assert ps.topics() == ["b"]


async def test_subscribed_context_unsubscribes_on_exit(ps: PubSub) -> None:
    inbox = Inbox()
    async with ps.subscribed("t", inbox) as handle:
        assert handle.active
        await ps.broadcast("t", "in")
    await ps.broadcast("t", "out")
    assert inbox.payloads == ["in"]
    assert not handle.active


async def test_broadcast_from_skips_only_the_senders_subscriptions(ps: PubSub) -> None:
    mine, mine_too, theirs, anonymous = Inbox(), Inbox(), Inbox(), Inbox()
    await ps.subscribe("t", mine, owner="view-1")
    await ps.subscribe("t", mine_too, owner="view-1")
    await ps.subscribe("t", theirs, owner="view-2")
    await ps.subscribe("t", anonymous)

    await ps.broadcast_from("view-1", "t", "hello")

    assert mine.messages == [] and mine_too.messages == []
    assert theirs.payloads == ["hello"] and anonymous.payloads == ["hello"]
    assert theirs.messages[0].owner == "view-1"


async def test_one_payload_object_and_one_message_for_every_subscriber(ps: PubSub) -> None:
    inboxes = [Inbox() for _ in range(50)]
    for inbox in inboxes:
        await ps.subscribe("t", inbox)
    payload = {"rows": [1, 2, 3]}

    await ps.broadcast("t", payload)

    delivered = [inbox.messages[0] for inbox in inboxes]
    assert all(m.payload is payload for m in delivered)
    assert all(m is delivered[0] for m in delivered)


async def test_a_failing_callback_is_logged_and_others_still_receive(
    ps: PubSub, caplog: pytest.LogCaptureFixture
) -> None:
    before, after = Inbox(), Inbox()

    def broken(message: Message) -> None:
        raise RuntimeError("boom")

    await ps.subscribe("t", before)
    await ps.subscribe("t", broken)
    await ps.subscribe("t", after)
    with caplog.at_level(logging.ERROR, logger="tether.pubsub"):
        await ps.broadcast("t", "x")

    assert before.payloads == ["x"] and after.payloads == ["x"]
    assert "boom" in caplog.text


async def test_close_drops_subscriptions_and_refuses_use() -> None:
    ps = MemoryPubSub()
    handle = await ps.subscribe("t", Inbox())  # starts on first use
    await ps.close()
    await ps.close()

    assert not handle.active
    await handle.unsubscribe()
    with pytest.raises(PubSubClosed):
        await ps.broadcast("t", 1)
    with pytest.raises(PubSubClosed):
        await ps.subscribe("t", Inbox())


def test_build_pubsub_from_an_alias_dict() -> None:
    ps = build_pubsub(
        {"BACKEND": "tether.pubsub.memory.MemoryPubSub", "OPTIONS": {"NODE_ID": "n1"}}
    )
    assert isinstance(ps, MemoryPubSub)
    assert ps.node_id == "n1"


def test_build_pubsub_refuses_a_non_backend() -> None:
    with pytest.raises(ConfigurationError, match=r"is not a tether\.pubsub\.base\.PubSub"):
        build_pubsub({"BACKEND": "collections.OrderedDict"})


def test_get_pubsub_builds_the_configured_backend_once(settings, monkeypatch) -> None:
    from tether.pubsub import config

    monkeypatch.setattr(config, "_pubsub", None)
    settings.TETHER = {
        "PUBSUB": {"BACKEND": "tether.pubsub.memory.MemoryPubSub", "OPTIONS": {"NODE_ID": "n9"}}
    }
    ps = get_pubsub()
    assert isinstance(ps, MemoryPubSub) and ps.node_id == "n9"
    assert get_pubsub() is ps
