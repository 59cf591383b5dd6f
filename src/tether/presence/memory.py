"""Presence entries of this process only: the store that follows ``MemoryPubSub``."""

from __future__ import annotations

from tether.presence.base import Emit, Meta, PresenceStore
from tether.pubsub import PubSub


class MemoryPresenceStore(PresenceStore):
    """Entries of this process only; the heartbeat timings are unused."""

    def __init__(
        self, *, pubsub: PubSub, heartbeat_interval: float = 5.0, heartbeat_ttl: float = 20.0
    ) -> None:
        super().__init__(
            pubsub=pubsub, heartbeat_interval=heartbeat_interval, heartbeat_ttl=heartbeat_ttl
        )
        self._topics: dict[str, dict[str, tuple[str, Meta]]] = {}

    async def start(self, emit: Emit) -> None:
        pass

    async def close(self) -> None:
        pass

    async def add(self, topic: str, ref: str, key: str, meta: Meta) -> None:
        self._topics.setdefault(topic, {})[ref] = (key, meta)

    async def remove(self, topic: str, ref: str) -> tuple[str, Meta] | None:
        entries = self._topics.get(topic)
        if entries is None:
            return None
        removed = entries.pop(ref, None)
        if not entries:
            del self._topics[topic]
        return removed

    async def entries(self, topic: str) -> list[tuple[str, Meta]]:
        return list(self._topics.get(topic, {}).values())
