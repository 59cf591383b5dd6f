"""Telemetry from the Redis pub/sub: the connection going up and down, messages from elsewhere."""

from __future__ import annotations

from typing import Any

import pytest
from test_redis_pubsub import SECRET, OwnRedis, eventually, free_port

from tether import telemetry
from tether.pubsub.redis import RedisPubSub

pytestmark = pytest.mark.redis


async def test_the_connection_state_and_remote_broadcasts_are_reported() -> None:
    got: list[tuple[str, dict[str, Any]]] = []
    telemetry.attach("redis-test", None, lambda event, data: got.append((event, data)))
    server = OwnRedis(free_port())
    await server.start()
    options: dict[str, Any] = {"secret": SECRET, "timeout": 0.5, "ping_interval": 0.5}
    here, there = RedisPubSub(server.url, **options), RedisPubSub(server.url, **options)
    try:
        await here.subscribe("room", lambda message: None)
        assert here.connected
        await there.broadcast("room", "hello")

        def links() -> list[bool]:
            return [d["connected"] for e, d in got if e == telemetry.PUBSUB_CONNECTION]

        await eventually(lambda: any(d.get("remote") for e, d in got if e.endswith("broadcast")))
        remote = [d for e, d in got if e == telemetry.PUBSUB_BROADCAST and d["remote"]]
        assert remote[0] == {"topic": "room", "subscribers": 1, "remote": True}
        assert links()[:2] == [True, True]  # both processes connected

        await server.kill()
        await eventually(lambda: False in links())
        assert not here.connected
        lost = next(d for e, d in got if e == telemetry.PUBSUB_CONNECTION and not d["connected"])
        assert lost["backend"] == "RedisPubSub"
    finally:
        telemetry.detach("redis-test")
        await here.close()
        await there.close()
        await server.kill()
