"""An in-process WebSocket: the ASGI app on one side, a pair of queues on the other.

The app runs as a task owned by the transport, on the same code path a real
server gives it; only the bytes never leave the process. ``socket_scope``
builds the upgrade a browser on ``base_url`` would make: same path, query
(CSRF token, serializer version), cookies and ``Origin``.
"""

from __future__ import annotations

import asyncio
from typing import Final, Protocol
from urllib.parse import urlencode, urlsplit

from tether import protocol
from tether.errors import SocketClosed
from tether.types import (
    WS_ACCEPT,
    WS_CONNECT,
    WS_DISCONNECT,
    WS_RECEIVE,
    ASGIApp,
    Message,
    Scope,
)

CLOSE_TIMEOUT = 5.0

# What ``LiveClient(transport=...)`` connects over: the browser's two transports.
WEBSOCKET: Final = "websocket"
LONGPOLL: Final = "longpoll"
TRANSPORTS: Final = (WEBSOCKET, LONGPOLL)


class ClientTransport(Protocol):
    """What a test channel needs of its connection: this WebSocket, or long poll."""

    async def connect(self) -> None: ...
    async def send(self, text: str) -> None: ...
    async def send_bytes(self, data: bytes) -> None: ...
    async def receive(self) -> Message: ...
    async def close(self) -> None: ...


def socket_scope(base_url: str, cookies: dict[str, str], csrf: str) -> Scope:
    """The ASGI scope of the browser's WebSocket upgrade from a page on ``base_url``."""
    split = urlsplit(base_url)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    query = {protocol.CSRF_PARAM: csrf, protocol.VSN_PARAM: protocol.SERIALIZER_VSN}
    return {
        "type": "websocket",
        "path": protocol.SOCKET_PATH,
        "raw_path": protocol.SOCKET_PATH.encode(),
        "query_string": urlencode(query).encode(),
        "headers": [
            (b"host", (split.netloc or "testserver").encode()),
            (b"origin", base_url.encode()),
            (b"cookie", cookie.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": (split.hostname or "testserver", split.port or 80),
        "scheme": "ws",
        "subprotocols": [],
        "asgi": {"version": "3.0"},
    }


class Transport:
    """One WebSocket connection to ``app``, served in-process."""

    def __init__(self, app: ASGIApp, scope: Scope) -> None:
        self.to_app: asyncio.Queue[Message] = asyncio.Queue()
        self.from_app: asyncio.Queue[Message] = asyncio.Queue()

        async def serve() -> None:
            await app(scope, self.to_app.get, self.from_app.put)

        self.task: asyncio.Task[None] = asyncio.get_running_loop().create_task(serve())

    async def connect(self) -> None:
        await self.to_app.put({"type": WS_CONNECT})
        message = await self.from_app.get()
        if message["type"] != WS_ACCEPT:
            raise SocketClosed(f"socket refused: {message}")

    async def send(self, text: str) -> None:
        await self.to_app.put({"type": WS_RECEIVE, "text": text})

    async def send_bytes(self, data: bytes) -> None:
        """A binary frame, as the client's serializer sends an upload chunk."""
        await self.to_app.put({"type": WS_RECEIVE, "bytes": data})

    async def receive(self) -> Message:
        return await self.from_app.get()

    async def close(self) -> None:
        """Disconnect as a closing tab does, and wait for the app to finish."""
        if not self.task.done():
            await self.to_app.put({"type": WS_DISCONNECT, "code": protocol.CLOSE_NORMAL})
            try:
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await asyncio.shield(self.task)
            except TimeoutError:
                self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
