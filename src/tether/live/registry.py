"""The process's open sockets, and the one task that closes idle ones."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from tether import protocol, watchdog
from tether.conf import setting
from tether.live.checkpoints import checkpoints
from tether.live.collector import collector
from tether.live.session import LiveSession


class LiveSocket(Protocol):
    """What the registry needs of an open socket."""

    last_seen: float
    sessions: dict[str, LiveSession]

    def close(self, code: int = ..., reason: str = ...) -> None: ...


class Registry:
    """One sweeper task for all sockets is cheaper than a timer per socket."""

    SWEEP_EVERY = 5.0

    def __init__(self) -> None:
        self.sockets: set[LiveSocket] = set()
        self._sweeper: asyncio.Task[None] | None = None

    def add(self, socket: LiveSocket) -> None:
        self.sockets.add(socket)
        watchdog.ensure_started()
        conf = setting("GC")
        if conf.get("FREEZE"):
            collector.install(asyncio.get_running_loop(), conf.get("FULL_EVERY"))
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())

    def discard(self, socket: LiveSocket) -> None:
        self.sockets.discard(socket)

    async def _sweep(self) -> None:
        while self.sockets:
            await asyncio.sleep(self.SWEEP_EVERY)
            limit = float(setting("IDLE_TIMEOUT"))
            deadline = time.monotonic() - limit
            for socket in [s for s in self.sockets if s.last_seen < deadline]:
                socket.close(protocol.CLOSE_GOING_AWAY, f"no heartbeat for {limit:g}s")
            idle_after = setting("FREEZE_IDLE_AFTER")
            if idle_after is not None:
                await self.freeze_idle(float(idle_after))
        self._sweeper = None

    async def freeze_idle(self, idle_after: float) -> int:
        """Freeze every view idle for ``idle_after`` seconds; returns how many."""
        deadline = time.monotonic() - idle_after
        frozen = 0
        for socket in list(self.sockets):
            for session in list(socket.sessions.values()):
                if session.last_active < deadline and await session.freeze_idle():
                    frozen += 1
        return frozen

    async def close_all(self, code: int = protocol.CLOSE_SERVICE_RESTART) -> None:
        """Close every socket (server shutdown): clients reconnect elsewhere."""
        for socket in list(self.sockets):
            socket.close(code, "server shutting down")
        watchdog.stop()
        await checkpoints.close()
        collector.uninstall()
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)


registry = Registry()
