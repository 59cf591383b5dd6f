"""One long-poll client: the Phoenix channel protocol over a run of HTTP requests.

``LongPollConnection`` is to long poll what ``LiveSocket`` is to a WebSocket:
a ``Channels`` subclass, so joins, events, rate limits and sessions are the
very same code. Only the carriage differs. Frames the sessions push wait in a
bounded buffer until the client's next poll takes them; a poll that finds
nothing waits up to ``POLL_TIMEOUT`` for the first frame. A client that has
not polled for ``IDLE_EXPIRY`` is gone, and the connection closes as a closed
socket does: its views freeze and their presence leaves.

``close()`` is synchronous, as ``Channels`` needs, and starts the shutdown as
a task the connection keeps; ``wait_closed()`` awaits it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from tether import protocol, telemetry
from tether.conf import setting
from tether.live.channels import Channels
from tether.live.registry import registry
from tether.types import Scope

logger = logging.getLogger("tether.longpoll")


class LongPollConnection(Channels):
    """The channels of one browser, over long-poll requests."""

    __slots__ = (
        "_bytes",
        "_close_code",
        "_close_reason",
        "_expiry",
        "_frames",
        "_max_bytes",
        "_max_frames",
        "_on_closed",
        "_opened",
        "_polls",
        "_shutdown_task",
        "_wake",
        "closed",
        "csrf_token",
        "id",
        "last_seen",
    )

    def __init__(
        self, id: str, scope: Scope, on_closed: Callable[[LongPollConnection], None]
    ) -> None:
        super().__init__(scope)
        self.id = id
        self.csrf_token: str | None = scope.get("tether.csrf_token")
        self.closed = False
        self.last_seen = self._opened = time.monotonic()
        self._on_closed = on_closed
        self._frames: deque[str] = deque()
        self._bytes = 0
        conf = setting("LONGPOLL")
        self._max_frames = int(conf["BUFFER"])
        self._max_bytes = int(setting("OUTBOUND_BUFFER_BYTES"))
        # Polls started so far: a newer poll releases an older one still waiting.
        self._polls = 0
        self._wake: asyncio.Event | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self._shutdown_task: asyncio.Task[None] | None = None
        self._close_code = protocol.CLOSE_NORMAL
        self._close_reason = ""
        registry.add(self)
        if telemetry.enabled(telemetry.SOCKET_CONNECT):
            telemetry.emit(telemetry.SOCKET_CONNECT, {telemetry.SOCKETS: len(registry.sockets)})

    # -- what Channels needs of a transport -----------------------------------------

    def push(self, frame: str) -> None:
        if self.closed:
            return
        self._frames.append(frame)
        self._bytes += len(frame)
        if len(self._frames) > self._max_frames or self._bytes > self._max_bytes:
            self._frames.clear()
            self._bytes = 0
            self.overloaded(
                f"long-poll buffer over {self._max_frames} frames or {self._max_bytes} bytes:"
                " client not polling"
            )
            return
        if self._wake is not None:
            self._wake.set()

    def close(self, code: int = protocol.CLOSE_NORMAL, reason: str = "") -> None:
        """Close as a socket would: a waiting poll ends, and the views freeze."""
        if self.closed:
            return
        if code != protocol.CLOSE_NORMAL:
            logger.info("closing long-poll connection (%s): %s", code, reason)
        self.closed = True
        self._close_code, self._close_reason = code, reason
        if self._wake is not None:
            self._wake.set()
        self._shutdown_task = asyncio.get_running_loop().create_task(self._shutdown())

    async def wait_closed(self) -> None:
        if self._shutdown_task is not None:
            await asyncio.shield(self._shutdown_task)

    async def _shutdown(self) -> None:
        views = len(self.sessions)
        try:
            await self.close_sessions()
            await self.owner.close()
        finally:
            registry.discard(self)
            self._on_closed(self)
            if telemetry.enabled(telemetry.SOCKET_CLOSE):
                telemetry.emit(
                    telemetry.SOCKET_CLOSE,
                    {
                        telemetry.DURATION: time.monotonic() - self._opened,
                        telemetry.CODE: self._close_code,
                        telemetry.REASON: self._close_reason,
                        telemetry.VIEWS: views,
                        telemetry.SOCKETS: len(registry.sockets),
                    },
                )

    # -- what the HTTP exchange does ------------------------------------------------

    def receive(self, texts: list[str]) -> None:
        """Dispatch a POSTed batch of frames, already checked for size and decoded."""
        self.touch()
        for text in texts:
            if self.closed:
                return
            self.dispatch(*protocol.decode(text))

    async def poll(self, timeout: float, gone: Callable[[], Awaitable[Any]]) -> list[str] | None:
        """The frames waiting, or the first to come within ``timeout`` (``[]`` if none).

        ``None`` means the connection is closed and holds nothing more. ``gone()``
        completes if the client drops the request: a client only abandons a poll
        when it stops using the connection, so the connection closes.
        """
        self._polls += 1
        mine = self._polls
        self._disarm()
        try:
            if not self._frames and not self.closed:
                if self._wake is not None:
                    self._wake.set()  # an older poll still waiting: it answers empty
                wake = self._wake = asyncio.Event()
                waiting = asyncio.ensure_future(wake.wait())
                dropped = asyncio.ensure_future(gone())
                try:
                    done, _ = await asyncio.wait(
                        (waiting, dropped), timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    waiting.cancel()
                    dropped.cancel()
                    if self._wake is wake:
                        self._wake = None
                if dropped in done and waiting not in done:
                    # The client closed its end, as a socket's client does: 1000, no reason.
                    self.close(protocol.CLOSE_NORMAL)
                    return None
                if mine != self._polls:
                    return []
            if self._frames:
                frames = list(self._frames)
                self._frames.clear()
                self._bytes = 0
                return frames
            return None if self.closed else []
        finally:
            if mine == self._polls:
                self.touch()

    def touch(self) -> None:
        """The client is here: restart the idle expiry."""
        self.last_seen = time.monotonic()
        self._disarm()
        if not self.closed:
            self._expiry = self.owner.call_later(
                float(setting("LONGPOLL")["IDLE_EXPIRY"]), self._expire
            )

    def _disarm(self) -> None:
        if self._expiry is not None:
            self.owner.cancel_timer(self._expiry)
            self._expiry = None

    def _expire(self) -> None:
        self._expiry = None
        if self._wake is None:  # no poll waiting: the client has stopped polling
            limit = setting("LONGPOLL")["IDLE_EXPIRY"]
            self.close(protocol.CLOSE_GOING_AWAY, f"no poll for {limit:g}s")
