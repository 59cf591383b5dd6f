from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
import redis
import redis.asyncio as aioredis

from tether.pubsub import Message, PubSubUnavailable
from tether.pubsub.redis import RedisPubSub
from tether.signing import Signer

SECRET = "test-secret"


@pytest.fixture
def prefix(redis_prefix: str) -> str:
    return redis_prefix


def free_port() -> int:
    for port in range(6390, 6490):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 6390-6489")


class OwnRedis:
    """A redis-server this test starts and kills by PID (never the shared one)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            "redis-server",
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--logfile", "",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        client = aioredis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        try:
            for _ in range(250):
                with contextlib.suppress(redis.RedisError):
                    if await client.ping():
                        return
                await asyncio.sleep(0.02)
            raise RuntimeError(f"redis-server did not start on port {self.port}")
        finally:
            await client.aclose()

    async def kill(self) -> None:
        """SIGKILL, by the PID we started."""
        if self.proc is not None and self.proc.returncode is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            await self.proc.wait()
        self.proc = None


@pytest.fixture
async def own_redis() -> AsyncIterator[OwnRedis]:
    server = OwnRedis(free_port())
    await server.start()
    yield server
    await server.kill()


async def eventually(check: Callable[[], object], within: float = 5.0) -> None:
    """Poll ``check`` until it is truthy; fail after ``within`` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.02)


pytestmark = pytest.mark.redis


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
async def make_pubsub(redis_url: str, prefix: str) -> AsyncIterator[Callable[..., RedisPubSub]]:
    """Builds started-on-use backends (each one stands for a process) and closes them."""
    made: list[RedisPubSub] = []

    def make(**options: object) -> RedisPubSub:
        options = {"prefix": prefix, "secret": SECRET, **options}
        ps = RedisPubSub(str(options.pop("url", redis_url)), **options)  # type: ignore[arg-type]
        made.append(ps)
        return ps

    yield make
    for ps in made:
        await ps.close()


async def numsub(url: str, channel: str) -> int:
    async with aioredis.Redis.from_url(url) as client:
        [(_, count)] = await client.pubsub_numsub(channel)
        return int(count)


async def test_two_processes_see_each_others_broadcasts(make_pubsub) -> None:
    a, b = make_pubsub(), make_pubsub()
    inbox_a, inbox_b = Inbox(), Inbox()
    await a.subscribe("room:1", inbox_a)
    await b.subscribe("room:1", inbox_b)

    await a.broadcast("room:1", Said("ann", "hi"))
    await b.broadcast("room:1", ("tuple", {"dict": [1, 2]}))

    expected = [Said("ann", "hi"), ("tuple", {"dict": [1, 2]})]
    await eventually(lambda: len(inbox_a.messages) == 2 and len(inbox_b.messages) == 2)
    await asyncio.sleep(0.1)  # nothing arrives twice
    assert inbox_a.payloads == expected
    assert inbox_b.payloads == expected
    assert [m.node for m in inbox_b.messages] == [a.node_id, b.node_id]


async def test_broadcast_from_excludes_only_the_local_sender(make_pubsub) -> None:
    a, b = make_pubsub(), make_pubsub()
    sender, neighbour, remote = Inbox(), Inbox(), Inbox()
    await a.subscribe("t", sender, owner="view-1")
    await a.subscribe("t", neighbour, owner="view-2")
    await b.subscribe("t", remote, owner="view-1")  # same owner id, other process

    await a.broadcast_from("view-1", "t", "hello")

    await eventually(lambda: remote.payloads == ["hello"])
    assert neighbour.payloads == ["hello"]
    assert sender.messages == []
    assert remote.messages[0].owner == "view-1"


async def test_local_subscribers_share_one_payload_object(make_pubsub) -> None:
    a = make_pubsub()
    inboxes = [Inbox() for _ in range(5)]
    for inbox in inboxes:
        await a.subscribe("t", inbox)
    payload = {"big": list(range(100))}
    await a.broadcast("t", payload)
    await asyncio.sleep(0.1)  # its own copy coming back from Redis is not delivered again
    assert all(len(inbox.messages) == 1 for inbox in inboxes)
    assert all(inbox.messages[0].payload is payload for inbox in inboxes)


async def test_one_redis_subscription_per_topic_per_process(
    make_pubsub, redis_url: str, prefix: str
) -> None:
    a, b = make_pubsub(), make_pubsub()
    channel = prefix + "room:1"
    handles = [await a.subscribe("room:1", Inbox()) for _ in range(10)]
    assert await numsub(redis_url, channel) == 1

    await b.subscribe("room:1", Inbox())
    assert await numsub(redis_url, channel) == 2

    async with aioredis.Redis.from_url(redis_url) as client:
        channels = await client.pubsub_channels(prefix + "*")
    assert channels == [channel.encode()]

    for handle in handles[:-1]:
        await handle.unsubscribe()
    assert await numsub(redis_url, channel) == 2
    await handles[-1].unsubscribe()
    # UNSUBSCRIBE is fire-and-forget: poll for Redis to process it.
    counts: list[int] = []

    async def check() -> None:
        counts.append(await numsub(redis_url, channel))

    for _ in range(100):
        await check()
        if counts[-1] == 1:
            break
        await asyncio.sleep(0.02)
    assert counts[-1] == 1


async def test_forged_and_replayed_messages_are_dropped(
    make_pubsub, redis_url: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    a = make_pubsub()
    inbox = Inbox()
    await a.subscribe("room:1", inbox)

    body = b"\x05evil!" + pickle.dumps(("room:1", None, "forged"))
    frames = [
        pickle.dumps(("room:1", None, "unsigned")),
        Signer("tether.pubsub", "not-the-secret").sign(body),
        # Correctly signed, but for another topic: a replay onto room:1.
        Signer("tether.pubsub", SECRET).sign(
            b"\x05evil!" + pickle.dumps(("room:2", None, "replayed"))
        ),
    ]
    with caplog.at_level(logging.WARNING, logger="tether.pubsub"):
        async with aioredis.Redis.from_url(redis_url) as client:
            for frame in frames:
                await client.publish(prefix + "room:1", frame)
        await a.broadcast("room:1", "genuine")  # local delivery
        b = make_pubsub()
        await b.broadcast("room:1", "genuine, remote")
        await eventually(lambda: "genuine, remote" in inbox.payloads)

    assert inbox.payloads == ["genuine", "genuine, remote"]
    dropped = [r for r in caplog.records if r.getMessage().startswith("dropped")]
    assert len(dropped) == 3


async def test_broadcast_while_redis_is_unreachable_raises(make_pubsub) -> None:
    ps = make_pubsub(url="redis://127.0.0.1:1/0", timeout=0.5)
    inbox = Inbox()
    await ps.subscribe("t", inbox)  # local registration works; Redis gets it on reconnect
    with pytest.raises(PubSubUnavailable):
        await ps.broadcast("t", 1)
    assert inbox.messages == []


async def test_survives_a_redis_restart(
    make_pubsub, own_redis, caplog: pytest.LogCaptureFixture
) -> None:
    options = {"url": own_redis.url, "timeout": 0.5, "ping_interval": 0.5, "reconnect_max": 0.2}
    a, b, quiet = make_pubsub(**options), make_pubsub(**options), make_pubsub(**options)
    inbox = Inbox()
    await a.subscribe("room:1", inbox)
    await b.broadcast("room:1", "before")
    await quiet.broadcast("room:1", "before, quiet")
    await eventually(lambda: inbox.payloads == ["before", "before, quiet"])

    with caplog.at_level(logging.WARNING, logger="tether.pubsub"):
        await own_redis.kill()
        with pytest.raises(PubSubUnavailable):
            await b.broadcast("room:1", "while down")
        await own_redis.start()
        # Its pooled connection died with the server: the first broadcast replaces it.
        await quiet.broadcast("room:1", "quiet after")

        async def delivered_after_restart() -> bool:
            try:
                await b.broadcast("room:1", "after")
            except PubSubUnavailable:
                return False
            await asyncio.sleep(0.05)
            return "after" in inbox.payloads

        deadline = asyncio.get_running_loop().time() + 10
        while not await delivered_after_restart():
            assert asyncio.get_running_loop().time() < deadline, "no delivery after restart"
            await asyncio.sleep(0.05)

    assert inbox.payloads[:2] == ["before", "before, quiet"]
    assert "while down" not in inbox.payloads
    assert any("reconnected" in r.getMessage() and "lost" in r.getMessage() for r in caplog.records)


async def test_close_cancels_every_task_it_started(make_pubsub) -> None:
    ps = make_pubsub()
    await ps.subscribe("t", Inbox())
    assert any(t.get_name().startswith("tether.pubsub") for t in asyncio.all_tasks())
    await ps.close()
    assert not any(t.get_name().startswith("tether.pubsub") for t in asyncio.all_tasks())
