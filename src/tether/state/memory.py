"""The default store: a dict in this process. Survives reconnects, not restarts."""

from __future__ import annotations

import time

from tether.state.base import StateStore


class MemoryStateStore(StateStore):
    def __init__(self, *, ttl: float = 3600.0, prefix: str = "tether:state:") -> None:
        super().__init__(ttl=ttl, prefix=prefix)
        self._data: dict[str, tuple[float, bytes]] = {}

    def _expire(self, now: float) -> None:
        for key in [k for k, (deadline, _) in self._data.items() if deadline <= now]:
            del self._data[key]

    async def put(self, element_id: str, blob: bytes) -> None:
        now = time.monotonic()
        if len(self._data) % 256 == 0:
            self._expire(now)
        self._data[self.key(element_id)] = (now + self.ttl, blob)

    async def get(self, element_id: str) -> bytes | None:
        entry = self._data.get(self.key(element_id))
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    async def delete(self, element_id: str) -> None:
        self._data.pop(self.key(element_id), None)
