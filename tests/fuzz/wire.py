"""A raw in-process WebSocket to the ASGI app: any text, no client logic.

``tether.testing.LiveClient`` speaks the protocol as a browser does; hostile
tests need to send what no browser sends, and to see the close code and any
exception that escapes the app.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tether.types import ASGIApp


class RawSocket:
    """One upgrade to ``/live/websocket``; the app runs as a task owned by this object."""

    def __init__(self, app: ASGIApp, *, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.app = app
        self.headers = headers or [(b"host", b"testserver")]
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.close_code: int | None = None
        self.close_reason = ""

    async def connect(self, query: bytes = b"vsn=2.0.0") -> bool:
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": "/live/websocket",
            "raw_path": b"/live/websocket",
            "query_string": query,
            "headers": self.headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "subprotocols": [],
        }
        self.task = asyncio.get_running_loop().create_task(
            self.app(scope, self.to_app.get, self._from_app)
        )
        await self.to_app.put({"type": "websocket.connect"})
        message = await self.from_app.get()
        if message["type"] == "websocket.accept":
            return True
        self._closed(message)
        return False

    async def _from_app(self, message: dict[str, Any]) -> None:
        text = message.get("text")
        if text is not None:
            # As a real server does: text that is not valid UTF-8 fails in send().
            text.encode("utf-8")
        await self.from_app.put(message)

    def _closed(self, message: dict[str, Any]) -> None:
        self.close_code = int(message.get("code", 1000))
        self.close_reason = str(message.get("reason", ""))

    @property
    def open(self) -> bool:
        return self.close_code is None and self.task is not None and not self.task.done()

    async def send(self, text: str) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": text})

    async def receive(self, timeout: float = 10.0) -> str | None:
        """The next text frame, or None once the server has closed the socket."""
        if self.close_code is not None:
            return None
        async with asyncio.timeout(timeout):
            message = await self.from_app.get()
        if message["type"] == "websocket.close":
            self._closed(message)
            return None
        return str(message["text"])

    def drain(self) -> list[str]:
        """Frames already sent by the server, without waiting."""
        frames = []
        while self.close_code is None and not self.from_app.empty():
            message = self.from_app.get_nowait()
            if message["type"] == "websocket.close":
                self._closed(message)
            else:
                frames.append(str(message["text"]))
        return frames

    async def wait_closed(self, timeout: float = 10.0) -> int:
        while await self.receive(timeout) is not None:
            pass
        assert self.close_code is not None
        return self.close_code

    async def close(self) -> None:
        """Disconnect as a client would, and re-raise anything that escaped the app."""
        task = self.task
        if task is None:
            return
        if not task.done():
            await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
            try:
                async with asyncio.timeout(10):
                    await asyncio.shield(task)
            except TimeoutError:
                task.cancel()
                raise
        task.result()


class ErrorLog(logging.Handler):
    """Records everything at ERROR or above: an unhandled exception in a socket or view."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> ErrorLog:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)

    def describe(self) -> str:
        formatter = logging.Formatter("%(name)s: %(message)s")
        return "\n".join(formatter.format(record) for record in self.records)
