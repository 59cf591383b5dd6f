"""Where frozen live state waits: a key-value store with a time to live."""

from __future__ import annotations

from abc import ABC, abstractmethod


class StateStore(ABC):
    """Stores frozen views by element id. Every entry expires after ``ttl`` seconds."""

    def __init__(self, *, ttl: float = 3600.0, prefix: str = "tether:state:") -> None:
        self.ttl = float(ttl)
        self.prefix = prefix

    def key(self, element_id: str) -> str:
        return self.prefix + element_id

    @abstractmethod
    async def put(self, element_id: str, blob: bytes) -> None: ...

    @abstractmethod
    async def get(self, element_id: str) -> bytes | None: ...

    @abstractmethod
    async def delete(self, element_id: str) -> None: ...

    async def take(self, element_id: str) -> bytes | None:
        """Get and delete: a frozen state is thawed once."""
        blob = await self.get(element_id)
        if blob is not None:
            await self.delete(element_id)
        return blob

    async def close(self) -> None:  # noqa: B027  (most stores hold no connection)
        """Release connections; the default store holds none."""
