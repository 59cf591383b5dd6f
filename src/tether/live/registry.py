"""The process's open sockets, and the one task that closes idle ones.

A socket is idle when nothing has come from its client for ``IDLE_TIMEOUT``
seconds. The socket can only note a frame when its reader runs, and a
server busy with a join storm or a big room's re-renders may run nobody's
reader for seconds: the heartbeats wait, received but unhandled, behind that
work. Judged by the time of the last frame handled, a client that sent every
heartbeat on time would be closed for the server's own delay. So the sweeper
keeps a clock of its own: it ticks every ``TICK`` seconds, and how late a
tick wakes is time in which no reader could run (a stall). A socket's idle
time leaves out the stalls since its last frame.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Protocol

from tether import protocol, watchdog
from tether.conf import setting
from tether.live.checkpoints import checkpoints
from tether.live.collector import collector
from tether.live.session import LiveSession
from tether.live.state_writer import state_writer


class LiveSocket(Protocol):
    """What the registry needs of an open socket."""

    last_seen: float
    sessions: dict[str, LiveSession]

    def close(self, code: int = ..., reason: str = ...) -> None: ...

    async def close_sessions(self) -> None: ...


class Registry:
    """One sweeper task for all sockets is cheaper than a timer per socket."""

    SWEEP_EVERY = 5.0
    TICK = 1.0
    # A tick later than this is a stall; less is the loop's ordinary jitter.
    STALL = 0.25

    def __init__(self) -> None:
        self.sockets: set[LiveSocket] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._stalls: deque[tuple[float, float]] = deque()  # (ended at, seconds)

    def add(self, socket: LiveSocket) -> None:
        self.sockets.add(socket)
        watchdog.ensure_started()
        conf = setting("GC")
        if conf.get("FREEZE"):
            collector.install(
                asyncio.get_running_loop(),
                conf.get("FULL_EVERY"),
                float(conf.get("QUIET_WAIT", 0.0)),
                busy=watchdog.stepping,
                after=int(conf.get("FREEZE_AFTER", 2)),
                full_after=conf.get("FULL_AFTER", 1),
            )
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())

    def discard(self, socket: LiveSocket) -> None:
        self.sockets.discard(socket)

    async def _sweep(self) -> None:
        next_sweep = time.monotonic() + self.SWEEP_EVERY
        while self.sockets:
            due = time.monotonic() + self.TICK
            await asyncio.sleep(self.TICK)
            now = time.monotonic()
            if now - due > self.STALL:
                self._stalls.append((now, now - due))
            if now < next_sweep:
                continue
            next_sweep = now + self.SWEEP_EVERY
            self.close_idle(now)
            idle_after = setting("FREEZE_IDLE_AFTER")
            if idle_after is not None:
                await self.freeze_idle(float(idle_after))
        self._sweeper = None

    def idle_for(self, socket: LiveSocket, now: float) -> float:
        """Seconds since ``socket``'s last frame, less the stalls since then."""
        seen = socket.last_seen
        idle = now - seen
        for ended, seconds in self._stalls:
            if ended > seen:
                idle -= min(seconds, ended - seen)
        return idle

    def close_idle(self, now: float) -> None:
        """Close every socket idle for longer than ``IDLE_TIMEOUT``."""
        limit = float(setting("IDLE_TIMEOUT"))
        stalls = self._stalls
        # Old stalls excuse nobody: a socket silent for ten idle timeouts goes, busy or not.
        while stalls and stalls[0][0] < now - 10 * limit:
            stalls.popleft()
        # The stalls only ever shorten a socket's idle time: only one silent for longer
        # than the limit is worth them (ten thousand sockets times a busy spell's
        # hundreds of stalls held the loop for seconds, every sweep).
        quiet = [s for s in self.sockets if now - s.last_seen > limit]
        for socket in [s for s in quiet if self.idle_for(s, now) > limit]:
            socket.close(protocol.CLOSE_GOING_AWAY, f"no heartbeat for {limit:g}s")

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
        """Close every socket (server shutdown): clients reconnect elsewhere, and
        their views are frozen before this returns."""
        sockets = list(self.sockets)
        for socket in sockets:
            socket.close(code, "server shutting down")
        # Freeze here, not in each socket's task: a server that has not closed the
        # sockets itself (uvicorn has, with 1012) ends the process once this returns.
        # Whichever of the two comes first freezes a socket's views; the other finds none.
        await asyncio.gather(*(s.close_sessions() for s in sockets), return_exceptions=True)
        await state_writer().close()
        watchdog.stop()
        await checkpoints.close()
        collector.uninstall()
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)


registry = Registry()
