"""Frozen state in Redis: any process of the deployment can resume a page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis

from tether.state.base import StateStore


class RedisStateStore(StateStore):
    def __init__(
        self,
        *,
        url: str = "redis://127.0.0.1:6379/0",
        ttl: float = 3600.0,
        prefix: str = "tether:state:",
        max_connections: int = 50,
        timeout: float = 5.0,
        **redis_options: Any,
    ) -> None:
        super().__init__(ttl=ttl, prefix=prefix)
        # Blocking: a thousand pages frozen at once queue for connections
        # rather than failing past the pool's size.
        pool = BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=timeout, **redis_options
        )
        self.redis: Redis = Redis.from_pool(pool)

    async def put(self, element_id: str, blob: bytes) -> None:
        await self.redis.set(self.key(element_id), blob, px=int(self.ttl * 1000))

    async def put_many(self, entries: Sequence[tuple[str, bytes]]) -> None:
        # One round trip and one pooled connection for the whole batch.
        ttl = int(self.ttl * 1000)
        async with self.redis.pipeline(transaction=False) as pipe:
            for element_id, blob in entries:
                pipe.set(self.key(element_id), blob, px=ttl)
            await pipe.execute()

    async def get(self, element_id: str) -> bytes | None:
        return _bytes(await self.redis.get(self.key(element_id)))

    async def delete(self, element_id: str) -> None:
        await self.redis.delete(self.key(element_id))

    async def take(self, element_id: str) -> bytes | None:
        return _bytes(await self.redis.getdel(self.key(element_id)))

    async def close(self) -> None:
        await self.redis.aclose()


def _bytes(value: bytes | str | None) -> bytes | None:
    if value is None:
        return None
    return value.encode() if isinstance(value, str) else value
