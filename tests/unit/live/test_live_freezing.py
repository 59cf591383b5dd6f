"""Freezing many views at once (a deploy): every one reaches the store."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tether.live import freezing
from tether.state.memory import MemoryStateStore


class OneAtATimeStore(MemoryStateStore):
    """A store that serves one write at a time, as a file cache or one connection does."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = asyncio.Lock()

    async def put(self, element_id: str, blob: bytes) -> None:
        async with self.lock:
            await asyncio.sleep(0.03)
            await super().put(element_id, blob)


async def test_a_deploy_freezing_every_page_at_once_loses_none(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # Seen at 10,000 chat pages: the writes queued inside the store's 2 s timeout,
    # and thousands failed with TimeoutError; those pages lost their state.
    settings.TETHER = {"STATE_WRITE_CONCURRENCY": 16}
    store = OneAtATimeStore()
    monkeypatch.setattr(freezing, "get_state_store", lambda: store)
    pages = [f"phx-{n}" for n in range(120)]  # 3.6 s of writes, one at a time
    stored = await asyncio.gather(*(freezing.store(page, b"state") for page in pages))
    assert all(stored)
    assert all([await store.get(page) == b"state" for page in pages])
