"""The test client's side of one Phoenix channel (``lv:<id>``) over a transport.

It numbers refs as the Phoenix JS channel does (a join's ref is the
``join_ref`` of every later frame), keeps the exact text of each frame it
sends, matches replies to requests, and hands every incoming frame to its
owner in arrival order. A reply is handed over before its request resolves,
so a push that follows a reply is never applied before it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Collection
from typing import Any

from tether import protocol
from tether.errors import SocketClosed
from tether.testing.transport import ClientTransport
from tether.types import WS_CLOSE, Message

# (event, payload, raw text, whether it answers one of our requests)
OnFrame = Callable[[str, Any, str, bool], None]


class Channel:
    def __init__(
        self,
        transport: ClientTransport,
        topic: str,
        sent: list[str],
        on_frame: OnFrame,
        on_close: Callable[[Message], None],
    ) -> None:
        self.transport = transport
        self.topic = topic
        self.sent = sent
        self.on_frame = on_frame
        self.on_close = on_close
        self.join_ref: str | None = None
        self.closed = False
        self._refs = itertools.count(1)
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        #: Frames on the socket's other topics (upload channels): (topic, event, payload).
        self.others: list[tuple[str, str, Any]] = []
        #: Other topics joined over this socket (child views), and who reads their frames.
        self.routes: dict[str, OnFrame] = {}
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def request(self, event: str, payload: Any, *, timeout: float) -> dict[str, Any]:
        """Send one frame and wait for its reply's payload (``status``, ``response``)."""
        if event == protocol.PHX_JOIN:
            self.join_ref = str(next(self._refs))
            ref = self.join_ref
        else:
            ref = str(next(self._refs))
        text = protocol.encode(self.join_ref, ref, self.topic, event, payload)
        return await self.send_on(ref, text, timeout=timeout)

    def next_ref(self) -> str:
        """A ref for a frame on another topic of the same socket (upload channels)."""
        return str(next(self._refs))

    async def send_on(self, ref: str, frame: str | bytes, *, timeout: float) -> dict[str, Any]:
        """Send an encoded frame (text, or a binary push) and wait for the reply to ``ref``."""
        if self.closed:
            raise SocketClosed("the socket is closed")
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ref] = future
        if isinstance(frame, str):
            self.sent.append(frame)
            await self.transport.send(frame)
        else:
            await self.transport.send_bytes(frame)
        async with asyncio.timeout(timeout):
            return await future

    def fail(self, error: Exception, refs: Collection[str] | None = None) -> None:
        """Every request still waiting for a reply (or those of ``refs``) raises ``error``."""
        for ref in list(self._pending if refs is None else refs):
            future = self._pending.pop(ref, None)
            if future is not None and not future.done():
                future.set_exception(error)

    async def close(self) -> None:
        self.closed = True
        await self.transport.close()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)

    async def _read(self) -> None:
        while True:
            message = await self.transport.receive()
            if message["type"] == WS_CLOSE:
                self.closed = True
                self.fail(SocketClosed(f"socket closed: {message}"))
                self.on_close(message)
                return
            raw = message.get("text") or ""
            _join_ref, ref, topic, event, payload = json.loads(raw)
            answers = event == protocol.PHX_REPLY and ref in self._pending
            if topic == self.topic:
                self.on_frame(event, payload, raw, answers)
            elif topic in self.routes:
                self.routes[topic](event, payload, raw, answers)
            else:
                self.others.append((topic, event, payload))
            if answers:
                future = self._pending.pop(ref)
                if not future.done():
                    future.set_result(payload)
