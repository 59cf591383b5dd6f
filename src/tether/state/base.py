"""Where frozen live state waits: a key-value store with a time to live."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence


class StateStore(ABC):
    """Stores frozen views by element id. Every entry expires after ``ttl`` seconds."""

    def __init__(self, *, ttl: float = 3600.0, prefix: str = "tether:state:") -> None:
        self.ttl = float(ttl)
        self.prefix = prefix

    def key(self, element_id: str) -> str:
        return self.prefix + element_id

    @abstractmethod
    async def put(self, element_id: str, blob: bytes) -> None: ...

    async def put_many(self, entries: Sequence[tuple[str, bytes]]) -> None:
        """Store many ``(element_id, blob)`` at once (a deploy freezes every open view).

        One by one here; a store that can write many in one round trip (a
        pipeline, one thread hop) should override it."""
        for element_id, blob in entries:
            await self.put(element_id, blob)

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
