"""Freezing many views at once (a deploy): every one reaches the store, in batches."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import pytest

from tether.live import freezing, state_writer
from tether.state.memory import MemoryStateStore


class CountingStore(MemoryStateStore):
    """A store that serves one batch at a time, as a file cache's one thread does."""

    def __init__(self, *, hang: bool = False) -> None:
        super().__init__()
        self.batches: list[int] = []
        self.hang = hang
        self.lock = asyncio.Lock()

    async def put_many(self, entries: Sequence[tuple[str, bytes]]) -> None:
        async with self.lock:
            self.batches.append(len(entries))
            if self.hang:  # a Redis that stopped answering
                await asyncio.Event().wait()
            await asyncio.sleep(0.01)
            await super().put_many(entries)


def use(monkeypatch: pytest.MonkeyPatch, store: MemoryStateStore) -> None:
    monkeypatch.setattr(state_writer, "get_state_store", lambda: store)


async def test_a_deploy_freezing_every_page_at_once_loses_none(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # Seen at 10,000 chat pages: the writes queued inside the store's 2 s timeout,
    # and thousands failed with TimeoutError; those pages lost their state.
    settings.TETHER = {"STATE_WRITES": {"BATCH": 50, "TIMEOUT": 5.0}}
    store = CountingStore()
    use(monkeypatch, store)
    pages = [f"phx-{n}" for n in range(120)]
    stored = await asyncio.gather(*(freezing.store(page, b"state") for page in pages))
    assert all(stored)
    assert all([await store.get(page) == b"state" for page in pages])
    assert store.batches == [50, 50, 20]  # three store calls, not 120


async def test_making_the_states_is_not_charged_to_a_writes_timeout(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # Seen at 2,000 chat pages: every view pickled its state the moment its socket
    # closed, all in one pass of the loop, while the first writes' timeouts ran;
    # those writes failed though the store was never slow. Here making the states
    # takes far longer than the timeout: each batch's time starts at the store.
    settings.TETHER = {"STATE_WRITES": {"BATCH": 100, "TIMEOUT": 0.3}}
    store = CountingStore()
    use(monkeypatch, store)

    def slow_to_pickle(n: int) -> state_writer.Make:
        def make() -> bytes:
            time.sleep(0.002)  # a view with a lot of state: 1.2 s for all of them
            return f"state {n}".encode()

        return make

    writer = state_writer.state_writer()
    stored = await asyncio.gather(
        *(writer.write(f"phx-{n}", slow_to_pickle(n)) for n in range(600))
    )
    assert all(stored)
    assert await store.get("phx-599") == b"state 599"


async def test_a_dead_store_fails_fast_for_the_states_queued_behind_it(
    monkeypatch: pytest.MonkeyPatch, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # A Redis that stopped answering must cost one timeout per wave of closes,
    # not one per batch: a shutdown stays bounded, and says how many were lost.
    settings.TETHER = {"STATE_WRITES": {"BATCH": 100, "TIMEOUT": 0.2}}
    store = CountingStore(hang=True)
    use(monkeypatch, store)
    stored = await asyncio.gather(*(freezing.store(f"phx-{n}", b"state") for n in range(1000)))
    assert not any(stored)
    assert store.batches == [100]
    assert "freeze failed for 100 views (900 more dropped unwritten)" in caplog.text


async def test_an_unfreezable_view_fails_alone(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.TETHER = {"STATE_WRITES": {"BATCH": 10, "TIMEOUT": 5.0}}
    store = CountingStore()
    use(monkeypatch, store)

    def broken() -> bytes:
        raise RuntimeError("cannot pickle")

    writer = state_writer.state_writer()
    stored = await asyncio.gather(
        writer.write("phx-a", lambda: b"a"),
        writer.write("phx-b", broken),
        writer.write("phx-c", lambda: None),  # frozen_blob's "not freezing" (logged)
        writer.write("phx-d", lambda: b"d"),
    )
    assert stored == [True, False, False, True]
    assert await store.get("phx-d") == b"d"


async def test_a_waiter_cancelled_by_the_servers_timeout_still_gets_its_state_written(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    # uvicorn's --timeout-graceful-shutdown cancels the socket tasks still freezing;
    # the lifespan shutdown then waits for the queue (StateWriter.close).
    settings.TETHER = {"STATE_WRITES": {"BATCH": 10, "TIMEOUT": 5.0}}
    store = CountingStore()
    use(monkeypatch, store)
    writer = state_writer.state_writer()
    waiters = [asyncio.create_task(writer.write(f"phx-{n}", lambda: b"s")) for n in range(30)]
    await asyncio.sleep(0)
    for waiter in waiters:
        waiter.cancel()
    await writer.close()
    assert writer.pending == 0
    assert all([await store.get(f"phx-{n}") == b"s" for n in range(30)])
