"""One browser WebSocket: the Phoenix channel protocol over ASGI.

The socket reads and decodes frames and hands them to ``Channels``, which
routes each ``lv:<id>`` topic to its LiveSession. Outbound frames go through
a bounded buffer; a client that stops reading is disconnected before it
costs memory, and nobody else waits.

The sockets that were pushed frames during a turn of the event loop are
written together once the turn's callbacks have run (``_flush``). A
broadcast's ten thousand writes then come in one burst, which costs the
kernel half the time of writes interleaved with the views' work (the client
is woken once, not once per frame; ``make bench``'s fan-out, system time).
Each socket is written in place, without a task, while its transport takes
writes; a writer task exists only while a write waits (a slow client).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import deque
from typing import Any, Literal
from urllib.parse import parse_qs

from tether import protocol, telemetry
from tether.conf import setting
from tether.django import auth
from tether.errors import MalformedFrame
from tether.live.channels import Channels
from tether.live.registry import registry
from tether.types import (
    WS_ACCEPT,
    WS_CLOSE,
    WS_CONNECT,
    WS_DISCONNECT,
    WS_SEND,
    Receive,
    Scope,
    Send,
)

logger = logging.getLogger("tether.socket")

#: Per event loop, the sockets pushed frames since its last flush.
_flushes: dict[asyncio.AbstractEventLoop, list[LiveSocket]] = {}


class SocketState(enum.Enum):
    CONNECTING = "connecting"
    OPEN = "open"
    CLOSED = "closed"


class LiveSocket(Channels):
    """The channels of one browser, over one ASGI WebSocket."""

    __slots__ = (
        "_close_code",
        "_close_reason",
        "_out",
        "_out_bytes",
        "_out_limit",
        "_task",
        "_writer",
        "last_seen",
        "receive",
        "send",
        "state",
    )

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        super().__init__(scope)
        self.receive = receive
        self.send = send
        self.state = SocketState.CONNECTING
        self.last_seen = time.monotonic()
        self._out: deque[str] | None = None  # allocated while there is something to write
        self._out_bytes = 0
        self._out_limit = int(setting("OUTBOUND_BUFFER_BYTES"))
        # True: queued for the loop's next flush; a task: a write waits.
        self._writer: asyncio.Task[None] | Literal[True] | None = None
        self._task: asyncio.Task[Any] | None = None
        self._close_code = protocol.CLOSE_NORMAL
        self._close_reason = ""

    # -- lifecycle -------------------------------------------------------------

    async def serve(self) -> None:
        message = await self.receive()
        if message["type"] != WS_CONNECT:
            return
        if not auth.origin_allowed(self.scope):
            logger.warning("socket refused: Origin %s", auth.header(self.scope, b"origin"))
            await self.send({"type": WS_CLOSE, "code": 403})
            return
        query = parse_qs(bytes(self.scope.get("query_string", b"")).decode("latin-1"))
        if query.get(protocol.VSN_PARAM, [protocol.SERIALIZER_VSN])[0] != protocol.SERIALIZER_VSN:
            await self.send({"type": WS_CLOSE, "code": 403})
            return
        self.scope["tether.csrf_token"] = query.get(protocol.CSRF_PARAM, [None])[0]
        del query, message
        await self.send({"type": WS_ACCEPT})
        self.state = SocketState.OPEN
        self._task = asyncio.current_task()
        registry.add(self)
        opened = time.monotonic()
        if telemetry.enabled(telemetry.SOCKET_CONNECT):
            telemetry.emit(telemetry.SOCKET_CONNECT, {telemetry.SOCKETS: len(registry.sockets)})
        try:
            await self._read_loop()
        except asyncio.CancelledError:
            if self.state is not SocketState.CLOSED:
                raise
            assert self._task is not None
            self._task.uncancel()  # our own close(), not the server's
        finally:
            registry.discard(self)
            if telemetry.enabled(telemetry.SOCKET_CLOSE):
                telemetry.emit(telemetry.SOCKET_CLOSE, self._close_data(opened))
            await self._shutdown()

    async def _read_loop(self) -> None:
        max_bytes = int(setting("MAX_FRAME_BYTES"))
        while self.state is SocketState.OPEN:
            message = await self.receive()
            if message["type"] == WS_DISCONNECT:
                self.state = SocketState.CLOSED
                return
            text = message.get("text")
            if text is None:
                if not self._binary(message.get("bytes")):
                    return
                del message
                continue
            if len(text) > max_bytes // 4 and len(text.encode()) > max_bytes:
                self.close(protocol.CLOSE_TOO_BIG, f"frame over {max_bytes} bytes")
                return
            try:
                frame = protocol.decode(text)
            except MalformedFrame as exc:
                self.close(protocol.CLOSE_PROTOCOL_ERROR, f"malformed frame: {exc}")
                return
            self.last_seen = time.monotonic()
            self.dispatch(*frame)
            # An idle socket waits here: keep nothing of the last frame alive.
            del message, text, frame

    def _binary(self, data: bytes | None) -> bool:
        """A binary frame: an upload chunk, or the socket closes (False)."""
        limit = int(setting("UPLOADS")["MAX_CHUNK_SIZE"]) + 4 * 256 + protocol.BINARY_PUSH_HEADER
        if not data:
            self.close(protocol.CLOSE_UNSUPPORTED, "empty binary frame")
            return False
        if len(data) > limit:
            self.close(protocol.CLOSE_TOO_BIG, f"binary frame over {limit} bytes")
            return False
        try:
            join_ref, ref, topic, event, payload = protocol.decode_binary(data)
        except MalformedFrame as exc:
            self.close(protocol.CLOSE_UNSUPPORTED, f"malformed binary frame: {exc}")
            return False
        self.last_seen = time.monotonic()
        if not self.dispatch_binary(join_ref, ref, topic, event, payload):
            self.close(protocol.CLOSE_UNSUPPORTED, "binary frames are for upload chunks only")
            return False
        return self.state is SocketState.OPEN

    def close(self, code: int = protocol.CLOSE_NORMAL, reason: str = "") -> None:
        """Ask the socket to close; the serving task sends the close frame."""
        if self.state is SocketState.CLOSED:
            return
        if code != protocol.CLOSE_NORMAL:
            logger.info("closing socket (%s): %s", code, reason)
        self.state = SocketState.CLOSED
        self._close_code, self._close_reason = code, reason
        task = self._task
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _shutdown(self) -> None:
        self.state = SocketState.CLOSED
        await self.close_sessions()
        writer = self._writer
        await self.owner.close()
        if not isinstance(writer, asyncio.Task) and self._out:
            await self._flush_best_effort(self._out)
        try:
            async with asyncio.timeout(1.0):
                await self.send(
                    {
                        "type": WS_CLOSE,
                        "code": self._close_code,
                        "reason": self._close_reason[:120],
                    }
                )
        except (TimeoutError, OSError, RuntimeError):
            pass
        except Exception:  # the server's own "already closed" errors
            logger.debug("close after disconnect", exc_info=True)

    def _close_data(self, opened: float) -> dict[str, Any]:
        return {
            telemetry.DURATION: time.monotonic() - opened,
            telemetry.CODE: self._close_code,
            telemetry.REASON: self._close_reason,
            telemetry.VIEWS: len(self.sessions),
            telemetry.SOCKETS: len(registry.sockets),
        }

    async def _flush_best_effort(self, out: deque[str]) -> None:
        try:
            async with asyncio.timeout(1.0):
                while out:
                    await self.send({"type": WS_SEND, "text": out.popleft()})
        except Exception:
            pass

    # -- outbound --------------------------------------------------------------

    def push(self, frame: str) -> None:
        if self.state is not SocketState.OPEN:
            return
        out = self._out
        if out is None:
            out = self._out = deque()
        out.append(frame)
        self._out_bytes += len(frame)
        if self._out_bytes > self._out_limit:
            out.clear()
            self.overloaded(f"outbound buffer over {self._out_limit} bytes: client not reading")
            return
        if self._writer is None:
            self._writer = True
            loop = asyncio.get_running_loop()
            queued = _flushes.get(loop)
            if queued is None:
                queued = _flushes[loop] = []
                loop.call_soon(_flush, loop)
            queued.append(self)

    def _start_writing(self) -> None:
        self._writer = None
        if self.state is SocketState.OPEN and self._out:
            self._writer = self.owner.start(self._write())

    async def _write(self) -> None:
        try:
            while out := self._out:
                frame = out.popleft()
                if not out:
                    self._out = None
                self._out_bytes -= len(frame)
                try:
                    await self.send({"type": WS_SEND, "text": frame})
                except UnicodeEncodeError:
                    # A lone surrogate (echoed from the client, or a view's own
                    # string) cannot be UTF-8: send it escaped, the same JSON.
                    await self.send({"type": WS_SEND, "text": protocol.escape_surrogates(frame)})
                del frame
        except OSError:
            self.close(protocol.CLOSE_GOING_AWAY, "write failed")
        except Exception:
            # Never drop a frame silently: the page would diverge from the server.
            logger.exception("writing to a client failed; closing its socket")
            self.close(protocol.CLOSE_INTERNAL_ERROR, "server error")
        finally:
            self._writer = None


def _flush(loop: asyncio.AbstractEventLoop) -> None:
    """Write every socket pushed frames during the turn of ``loop`` that just ran."""
    for socket in _flushes.pop(loop):
        try:
            socket._start_writing()
        except Exception:  # one socket's failure must not keep the others' frames
            logger.exception("flushing a socket failed")
