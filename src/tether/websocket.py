"""uvicorn's sans-I/O WebSocket protocol, with a lighter footprint per open socket.

``uvicorn --ws tether.websocket:WebSocketProtocol`` serves WebSockets exactly
as ``--ws websockets-sansio`` does (the ``websockets`` library's protocol
core, uvicorn's handshake, close and keepalive code), with two of its
per-connection objects replaced:

- the messages waiting for ``receive()``: uvicorn keeps them in an
  ``asyncio.Queue``, which is three deques and an ``asyncio.Event`` (another
  deque) whether or not a message ever waits. Here it is a list made when a
  message arrives and dropped when it is read, and one future while the app
  waits;
- the flag ``send()`` waits on while the transport's buffer is full: an
  ``asyncio.Event`` (a deque of waiters) becomes a slot that holds a future
  only while writing is paused.

And once the handshake is answered, the handshake's request and response
objects (their headers parsed into ``websockets`` structures) are let go:
uvicorn keeps them for the life of the socket, though the scope has its own
copy of the headers and nothing reads them again.

With thousands of open pages these were about 6 KiB of every socket's
memory (``make bench --where-memory``), against about 25 KiB for a whole
open counter page. Nothing else changes: the order of messages, the reads
paused while one waits (uvicorn's back-pressure), and ``send()`` waiting
for a full buffer to drain.

The class leans on uvicorn's own attributes (``queue``, ``writable``,
``request``, ``response``, ``start_keepalive``), so
the uvicorn version is pinned, and ``tests/unit/test_websocket.py`` drives a
handshake, messages both ways and a close through it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class Mailbox:
    """The messages for ``receive()``, in order; one reader (the app) at a time."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        if self._items is None:
            self._items = [item]
        else:
            self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items) if self._items else 0

    async def get(self) -> Any:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        items = self._items
        item = items.pop(0)  # a few at most: reads pause while one waits
        if not items:
            self._items = None
        return item


class Writable:
    """Set while the transport takes writes; ``wait()`` returns once it does again."""

    __slots__ = ("_paused",)

    def __init__(self) -> None:
        # None: writable. True: paused, nobody waiting. A future: paused, waited on.
        self._paused: asyncio.Future[None] | bool | None = None

    def is_set(self) -> bool:
        return self._paused is None

    def set(self) -> None:
        paused, self._paused = self._paused, None
        if isinstance(paused, asyncio.Future) and not paused.done():
            paused.set_result(None)

    def clear(self) -> None:
        if self._paused is None:
            self._paused = True

    async def wait(self) -> bool:
        while self._paused is not None:
            if self._paused is True:
                self._paused = asyncio.get_running_loop().create_future()
            # Shielded: one cancelled sender must not wake the others with its error.
            await asyncio.shield(self._paused)  # type: ignore[arg-type]
        return True


class WebSocketProtocol(WebSocketsSansIOProtocol):
    """``--ws websockets-sansio`` with a light mailbox and write flag (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Mailbox()  # type: ignore[assignment]
        self.writable = Writable()  # type: ignore[assignment]

    def start_keepalive(self) -> None:
        # uvicorn calls this once, right after the handshake's answer went out:
        # the handshake's request and response (their headers) are read by now,
        # and nothing reads them again (the scope has its own copy of the headers).
        # Dropped here rather than in send(), which every frame goes through.
        super().start_keepalive()
        request = self.request
        self.request = self.response = None  # type: ignore[assignment]
        if request is not None:
            # The parser's suspended frame still holds the request: empty its headers.
            request.headers.clear()
