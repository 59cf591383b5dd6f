"""An in-process long-poll client: what the pinned ``phoenix`` LongPoll does, over ASGI.

Same shape as ``transport.Transport`` (``connect``, ``send``, ``receive``,
``close``), so a ``Channel`` and every test run unchanged over long poll
(``LiveClient(transport="longpoll")``). It makes the requests the browser
makes: a first GET without a token (answered ``410`` with one), then GETs in
a loop, and frames POSTed in ``application/x-ndjson`` batches, one POST at a
time, each batch what was sent while the previous one was on its way. Frames
polled come out of ``receive()`` as WebSocket messages, and a connection the
server ends (``410``, ``403``) as a close.

``close()`` drops the poll in flight, as the browser does when it stops the
transport; the server then closes the connection as it would a socket.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from tether import protocol
from tether.errors import LiveTestError, SocketClosed
from tether.types import (
    HTTP_DISCONNECT,
    HTTP_REQUEST,
    HTTP_RESPONSE_BODY,
    HTTP_RESPONSE_START,
    WS_CLOSE,
    WS_SEND,
    ASGIApp,
    Message,
    Scope,
)

# The pinned client's MAX_LONGPOLL_BATCH_SIZE, and the close codes it reports.
MAX_BATCH = 100
CLOSE_SESSION_GONE = 3410
CLOSE_TIMEOUT = 5.0


class LongPollTransport:
    """One long-poll connection to ``app``, served in-process."""

    def __init__(self, app: ASGIApp, base_url: str, cookies: dict[str, str], csrf: str) -> None:
        self.app = app
        self.base_url = base_url
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.csrf = csrf
        self.token: str | None = None
        self.from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._batch: list[str] = []
        self._sender: asyncio.Task[None] | None = None
        self._poller: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()
        self._dropped = False

    async def connect(self) -> None:
        status, body = await self._request("GET")
        if status != protocol.LONGPOLL_GONE or not body.get(protocol.LONGPOLL_TOKEN):
            raise SocketClosed(f"long poll refused: {status} {body}")
        self.token = body[protocol.LONGPOLL_TOKEN]
        self._poller = asyncio.get_running_loop().create_task(self._poll())

    async def send_bytes(self, data: bytes) -> None:
        # Tether's long poll carries text frames only: upload chunks need the WebSocket.
        raise LiveTestError("uploads need the WebSocket: long poll carries text frames only")

    async def send(self, text: str) -> None:
        self._batch.append(text)
        if self._sender is None:
            self._sender = asyncio.get_running_loop().create_task(self._send())

    async def receive(self) -> Message:
        return await self.from_app.get()

    async def close(self) -> None:
        """Stop, as the browser's transport does: the poll in flight is dropped."""
        self._closing.set()
        for task in (self._poller, self._sender):
            if task is None:
                continue
            try:
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await asyncio.shield(task)
            except TimeoutError:
                task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    # -- the requests ---------------------------------------------------------------

    async def _poll(self) -> None:
        while True:
            self._dropped = False
            status, body = await self._request("GET")
            if self._closing.is_set():
                # Until the server has seen the poll dropped (frames it had waiting
                # answer at once), poll again: it closes the connection then.
                if self._dropped or status != protocol.LONGPOLL_OK:
                    return
                continue
            if status == protocol.LONGPOLL_OK:
                for text in body[protocol.LONGPOLL_MESSAGES]:
                    await self.from_app.put({"type": WS_SEND, "text": text})
            elif status != protocol.LONGPOLL_NO_CONTENT:
                code = CLOSE_SESSION_GONE if status == protocol.LONGPOLL_GONE else status
                await self.from_app.put({"type": WS_CLOSE, "code": code})
                return

    async def _send(self) -> None:
        await asyncio.sleep(0)  # the client batches what is sent in one turn of the loop
        while self._batch and not self._closing.is_set():
            batch, self._batch = self._batch[:MAX_BATCH], self._batch[MAX_BATCH:]
            status, body = await self._request("POST", "\n".join(batch))
            if status != protocol.LONGPOLL_OK:
                await self.from_app.put({"type": WS_CLOSE, "code": status, "reason": body})
                break
        self._sender = None

    async def _request(self, method: str, text: str = "") -> tuple[int, dict[str, Any]]:
        """One request to the app; the JSON body's ``status`` (HTTP's if there is none)."""
        sent = False
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": HTTP_REQUEST, "body": text.encode(), "more_body": False}
            await self._closing.wait()
            self._dropped = True
            return {"type": HTTP_DISCONNECT}

        async def send(message: Message) -> None:
            if message["type"] == HTTP_RESPONSE_START:
                started.update(message)
            elif message["type"] == HTTP_RESPONSE_BODY:
                chunks.append(message.get("body", b""))

        await self.app(self._scope(method), receive, send)
        try:
            body = json.loads(b"".join(chunks) or b"{}")
        except ValueError:
            body = {}
        return int(body.get(protocol.LONGPOLL_STATUS, started.get("status", 0))), body

    def _scope(self, method: str) -> Scope:
        split = urlsplit(self.base_url)
        query = {protocol.CSRF_PARAM: self.csrf, protocol.VSN_PARAM: protocol.SERIALIZER_VSN}
        if self.token is not None:
            query[protocol.LONGPOLL_TOKEN_PARAM] = self.token
        headers = [
            (b"host", (split.netloc or "testserver").encode()),
            (b"origin", self.base_url.encode()),
            (b"cookie", self.cookie.encode()),
            (b"accept", b"application/json"),
        ]
        if method == "POST":
            headers.append((b"content-type", protocol.LONGPOLL_BATCH_TYPE.encode()))
        return {
            "type": "http",
            "method": method,
            "path": protocol.LONGPOLL_PATH,
            "raw_path": protocol.LONGPOLL_PATH.encode(),
            "query_string": urlencode(query).encode(),
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": (split.hostname or "testserver", split.port or 80),
            "scheme": split.scheme or "http",
            "http_version": "1.1",
            "asgi": {"version": "3.0"},
        }
