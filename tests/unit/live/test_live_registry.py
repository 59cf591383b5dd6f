"""The idle sweeper: quiet sockets close, sockets kept waiting by a busy server do not.

A busy server is modelled as the real one is busy: waves of work (a big
room's re-renders) fill the event loop's queue, so a frame the client sent
on time is handled only after the wave ahead of it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tether.live import state_writer as state_writers
from tether.live.registry import Registry
from tether.live.session import LiveSession
from tether.live.state_writer import state_writer
from tether.state.memory import MemoryStateStore

IDLE_TIMEOUT = 0.6
BEAT_EVERY = 0.1
WAVE = 20  # callbacks of 50 ms: a second of work ahead of every frame
BUSY_FOR = 3.0


class Client:
    """What the registry sees of a socket, fed by a client's heartbeats."""

    def __init__(self) -> None:
        self.last_seen = time.monotonic()
        self.sessions: dict[str, LiveSession] = {}
        self.closed: tuple[int, str] | None = None
        self.handled = 0

    def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed = (code, reason)

    async def close_sessions(self) -> None:
        self.sessions.clear()

    def frame_handled(self) -> None:
        self.last_seen = time.monotonic()
        self.handled += 1


@pytest.fixture
def registry(settings: Any) -> Registry:
    settings.TETHER = {**settings.TETHER, "IDLE_TIMEOUT": IDLE_TIMEOUT}
    registry = Registry()
    registry.TICK = 0.1
    registry.SWEEP_EVERY = 0.2
    return registry


async def _busy(seconds: float) -> None:
    """Waves of blocking work, each queued ahead of whatever arrives meanwhile."""
    loop = asyncio.get_running_loop()
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for _ in range(WAVE):
            loop.call_soon(time.sleep, 0.05)
        await asyncio.sleep(0)


async def _beating(client: Client) -> None:
    """A heartbeat on time every BEAT_EVERY s; the server handles it when it can."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(BEAT_EVERY)
        loop.call_soon(client.frame_handled)


async def test_a_socket_whose_heartbeats_arrive_while_the_server_is_busy_is_not_closed(
    registry: Registry,
) -> None:
    client = Client()
    registry.add(client)
    beats = asyncio.create_task(_beating(client))
    try:
        await _busy(BUSY_FOR)
        await asyncio.sleep(3 * registry.SWEEP_EVERY)  # sweeps after the busy spell too
        assert client.handled > 0
        assert client.closed is None
    finally:
        beats.cancel()
        await registry.close_all()


async def test_a_silent_socket_is_closed_after_the_idle_timeout_even_after_a_busy_spell(
    registry: Registry,
) -> None:
    client = Client()
    registry.add(client)
    try:
        await _busy(1.0)
        await asyncio.sleep(IDLE_TIMEOUT + 2 * registry.SWEEP_EVERY + 2 * registry.TICK)
        assert client.closed == (1001, f"no heartbeat for {IDLE_TIMEOUT:g}s")
    finally:
        await registry.close_all()


async def test_a_silent_socket_is_closed_after_the_idle_timeout(registry: Registry) -> None:
    client = Client()
    registry.add(client)
    try:
        await asyncio.sleep(IDLE_TIMEOUT / 2)
        assert client.closed is None
        await asyncio.sleep(IDLE_TIMEOUT / 2 + 2 * registry.SWEEP_EVERY + 2 * registry.TICK)
        assert client.closed == (1001, f"no heartbeat for {IDLE_TIMEOUT:g}s")
    finally:
        await registry.close_all()


class Freezing(Client):
    """A socket with one view whose state goes to the store when its sessions close."""

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id

    async def close_sessions(self) -> None:
        await asyncio.sleep(0.01)  # a view's runner to cancel first, as a session does
        await state_writer().write(self.element_id, lambda: b"frozen")


async def test_a_shutdown_returns_only_once_every_open_view_is_in_the_store(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under a server that does not close WebSockets itself, the lifespan shutdown is
    # the last moment: the process exits when it returns.
    store = MemoryStateStore()
    monkeypatch.setattr(state_writers, "get_state_store", lambda: store)
    clients = [Freezing(f"phx-{n}") for n in range(300)]
    for client in clients:
        registry.add(client)
    await registry.close_all()
    assert all(client.closed == (1012, "server shutting down") for client in clients)
    assert all([await store.get(f"phx-{n}") == b"frozen" for n in range(300)])


class _Untouchable:
    """A stall history that must not be walked."""

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Any:
        raise AssertionError("the sweep walked the stalls for a socket heard from recently")


def test_a_sweep_walks_the_stalls_only_for_sockets_silent_past_the_timeout(
    registry: Registry,
) -> None:
    # Regression: every sweep walked every stall of a busy spell for every socket,
    # and with ten thousand sockets that held the loop (and their heartbeats) for seconds.
    clients = [Client() for _ in range(100)]
    registry.sockets.update(clients)  # type: ignore[arg-type]
    registry._stalls = _Untouchable()  # type: ignore[assignment]
    registry.close_idle(time.monotonic())
    assert all(client.closed is None for client in clients)
