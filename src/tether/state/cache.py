"""Frozen state in a Django cache (``CACHES`` alias), e.g. a file or database cache."""

from __future__ import annotations

from django.core.cache import caches

from tether.state.base import StateStore


class CacheStateStore(StateStore):
    def __init__(
        self, *, alias: str = "default", ttl: float = 3600.0, prefix: str = "tether:state:"
    ) -> None:
        super().__init__(ttl=ttl, prefix=prefix)
        self.alias = alias

    async def put(self, element_id: str, blob: bytes) -> None:
        await caches[self.alias].aset(self.key(element_id), blob, timeout=self.ttl)

    async def get(self, element_id: str) -> bytes | None:
        value = await caches[self.alias].aget(self.key(element_id))
        return value if isinstance(value, bytes) else None

    async def delete(self, element_id: str) -> None:
        await caches[self.alias].adelete(self.key(element_id))
