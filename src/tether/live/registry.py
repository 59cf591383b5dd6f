"""The process's open sockets, and the one task that closes idle ones."""

from __future__ import annotations

import asyncio
import gc
import time
from typing import TYPE_CHECKING

from tether import protocol

if TYPE_CHECKING:
    from tether.live.socket import LiveSocket


class Registry:
    """One sweeper task for all sockets is cheaper than a timer per socket."""

    SWEEP_EVERY = 5.0

    def __init__(self) -> None:
        self.sockets: set[LiveSocket] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._gc_timer: asyncio.TimerHandle | None = None
        self._gc_loop: asyncio.AbstractEventLoop | None = None
        self._last_full_gc = time.monotonic()

    def add(self, socket: LiveSocket) -> None:
        self.sockets.add(socket)
        from tether import watchdog

        watchdog.ensure_started()
        if self._gc_timer is None or self._gc_loop is not asyncio.get_running_loop():
            self._schedule_gc()
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())

    def discard(self, socket: LiveSocket) -> None:
        self.sockets.discard(socket)

    async def _sweep(self) -> None:
        from tether.django.conf import setting

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

    def _schedule_gc(self) -> None:
        from tether.django.conf import setting

        every = setting("GC").get("FREEZE_EVERY")
        if every:
            self._gc_loop = loop = asyncio.get_running_loop()
            self._gc_timer = loop.call_later(float(every), self._gc_freeze)

    def _gc_freeze(self) -> None:
        """Move every surviving object out of the collector's reach.

        Thousands of open pages are hundreds of thousands of long-lived
        objects; a full collection walks them all and pauses every page for
        hundreds of milliseconds. Collecting the young generations and then
        freezing what survives keeps each later collection to recent objects.
        Closed views break their own reference cycles, so they are still
        freed. A full collection still runs every ``FULL_EVERY`` seconds.
        """
        from tether.django.conf import setting

        self._gc_timer = None
        if not self.sockets:
            gc.unfreeze()
            return
        full_every = setting("GC").get("FULL_EVERY")
        now = time.monotonic()
        if full_every and now - self._last_full_gc > float(full_every):
            self._last_full_gc = now
            gc.unfreeze()
            gc.collect()
        else:
            gc.collect(1)
        gc.freeze()
        self._schedule_gc()

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
        from tether import watchdog

        watchdog.stop()
        if self._gc_timer is not None:
            self._gc_timer.cancel()
            self._gc_timer = None
        gc.unfreeze()
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)


registry = Registry()
