"""The browser's side of the wire: dead render over HTTP, then one WebSocket per page.

Dead renders go through a small keep-alive HTTP/1.1 pool, so the client costs
what a browser would, not what an HTTP library does. Each page is an
``asyncio.Protocol`` driving websockets' sans-I/O client, so an open page costs
a transport and a few objects, not a task. Frames are the
Phoenix channel protocol's V2 JSON arrays, built exactly as ``phoenix.js``
builds them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import time
from dataclasses import dataclass
from typing import Any, cast

from websockets.client import ClientProtocol
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.typing import Origin
from websockets.uri import parse_uri

VSN = "2.0.0"
JOIN_REF = "1"
_CONTAINER = re.compile(r'<div id="(phx-[^"]+)"[^>]*data-phx-main[^>]*>')
_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


class ProtocolError(Exception):
    """The server answered something a browser would not accept."""


@dataclass(frozen=True, slots=True)
class DeadPage:
    url: str
    element_id: str
    session: str
    static: str
    csrf: str
    cookie: str

    @property
    def topic(self) -> str:
        return "lv:" + self.element_id


class HttpPool:
    """Keep-alive HTTP/1.1 GETs over at most ``size`` connections, keeping no cookies.

    Every page is a new browser, so nothing from one response goes into the next
    request. A GET that meets a connection the server already closed is retried
    once on a new one, as browsers do.
    """

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host = host
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(size)

    async def get(self, path: str) -> tuple[int, list[str], str]:
        """(status, set-cookie values, body) of ``GET path``."""
        async with self.slots:
            for attempt in (1, 2):
                reused = attempt == 1 and bool(self.idle)  # a retry gets a fresh connection
                conn = self.idle.pop() if reused else await self._connect()
                try:
                    status, cookies, body, keep = await self._exchange(conn, path)
                except (OSError, asyncio.IncompleteReadError, ProtocolError):
                    conn[1].close()
                    if reused and attempt == 1:
                        continue
                    raise
                if keep:
                    self.idle.append(conn)
                else:
                    conn[1].close()
                return status, cookies, body
        raise AssertionError("unreachable")

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port, limit=2**20)

    async def _exchange(
        self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], path: str
    ) -> tuple[int, list[str], str, bool]:
        reader, writer = conn
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            "User-Agent: tether-bench\r\nAccept: text/html\r\n\r\n".encode()
        )
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        parts = head[0].split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise ProtocolError(f"bad status line {head[0]!r}")
        headers = [line.split(":", 1) for line in head[1:] if ":" in line]
        fields = [(name.strip().lower(), value.strip()) for name, value in headers]
        cookies = [value for name, value in fields if name == "set-cookie"]
        length = next((int(value) for name, value in fields if name == "content-length"), None)
        chunked = any(n == "transfer-encoding" and "chunked" in v.lower() for n, v in fields)
        if length is not None:
            body = await reader.readexactly(length)
        elif chunked:
            body = await self._chunks(reader)
        else:
            body = await reader.read()
            return int(parts[1]), cookies, body.decode(), False
        keep = not any(n == "connection" and v.lower() == "close" for n, v in fields)
        return int(parts[1]), cookies, body.decode(), keep

    @staticmethod
    async def _chunks(reader: asyncio.StreamReader) -> bytes:
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return bytes(body)
            body += await reader.readexactly(size + 2)
            del body[-2:]

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


def _attribute(tag: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', tag)
    if match is None:
        raise ProtocolError(f"{name} missing from the live container")
    return match.group(1)


async def page_load(pool: HttpPool, path: str) -> tuple[list[str], str]:
    """GET ``path`` as a new browser: its ``Set-Cookie`` values and HTML."""
    status, set_cookies, html = await pool.get(path)
    if status != 200:
        raise ProtocolError(f"GET {path} answered {status}")
    return set_cookies, html


async def dead_render(pool: HttpPool, base: str, path: str) -> DeadPage:
    set_cookies, html = await page_load(pool, path)
    cookie = "; ".join(value.split(";", 1)[0] for value in set_cookies)
    return parse_dead(base + path, html, cookie)


def parse_dead(url: str, html: str, cookie: str) -> DeadPage:
    """The live container's id and tokens, and the CSRF token, of a dead render."""
    container = _CONTAINER.search(html)
    csrf = _CSRF.search(html)
    if container is None or csrf is None:
        raise ProtocolError(f"GET {url}: no live container or csrf meta tag")
    return DeadPage(
        url=url,
        element_id=container.group(1),
        session=_attribute(container.group(0), "data-phx-session"),
        static=_attribute(container.group(0), "data-phx-static"),
        csrf=csrf.group(1),
        cookie=cookie,
    )


Frame = list[Any]


class Page(asyncio.Protocol):
    """One browser tab: a WebSocket carrying one joined live view.

    Replies resolve the future waiting on their ref. Pushes (``ref`` null) are
    only looked at for ``watch``: the arrival time of the first frame holding
    that marker is kept, taken when the bytes reach the client.
    """

    def __init__(self, url: str, origin: str, cookie: str | None) -> None:
        # Browsers offer permessage-deflate; BENCH_DEFLATE=1 makes this client do so too.
        extensions = (
            [ClientPerMessageDeflateFactory()] if os.environ.get("BENCH_DEFLATE") == "1" else None
        )
        self.ws = ClientProtocol(
            parse_uri(url), origin=Origin(origin), max_size=2**24, extensions=extensions
        )
        self.cookie = cookie
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.refs = itertools.count(1)
        self.pending: dict[str, asyncio.Future[tuple[Frame, bytes, float]]] = {}
        self.topic = ""
        self.watch: bytes | None = None
        self.arrived: float | None = None
        self.closed = False
        # Why the server closed the page (its close frame), None while open or when
        # this side closed it: a dropped page is one the server closed.
        self.dropped: str | None = None
        self._closing = False
        self._beat: asyncio.TimerHandle | None = None
        self._fragments: list[bytes] = []

    # -- asyncio.Protocol --------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        request = self.ws.connect()
        if self.cookie:
            request.headers["Cookie"] = self.cookie
        self.ws.send_request(request)
        self._flush()

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response):
                self._handshake(event)
            elif event.opcode is Opcode.TEXT or event.opcode is Opcode.CONT:
                self._fragments.append(event.data)
                if event.fin:
                    payload = b"".join(self._fragments)
                    self._fragments.clear()
                    self._text(payload, now)
        self._flush()
        if self.ws.state is State.CLOSED and self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._beat is not None:
            self._beat.cancel()
            self._beat = None
        if not self._closing:
            rcvd = self.ws.close_rcvd
            self.dropped = f"{rcvd.code} {rcvd.reason}" if rcvd is not None else f"lost: {exc}"
        error = ProtocolError(f"connection lost: {exc or 'closed by the server'}")
        if not self.opened.done():
            self.opened.set_exception(error)
        for future in self.pending.values():
            if not future.done():
                future.set_exception(error)
        self.pending.clear()

    # -- frames ------------------------------------------------------------------

    def _handshake(self, response: Response) -> None:
        if self.opened.done():
            return
        if self.ws.handshake_exc is not None:
            self.opened.set_exception(
                ProtocolError(f"upgrade refused: {response.status_code} {self.ws.handshake_exc}")
            )
        else:
            self.opened.set_result(None)

    def _text(self, payload: bytes, now: float) -> None:
        if self.watch is not None and self.arrived is None and self.watch in payload:
            self.arrived = now
        frame = json.loads(payload)
        ref = frame[1]
        if ref is not None:
            future = self.pending.pop(ref, None)
            if future is not None and not future.done():
                future.set_result((frame, payload, now))

    def _flush(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            chunks = self.ws.data_to_send()
            if chunks:
                self.transport.write(b"".join(chunks))

    def send_frame(self, frame: Frame) -> None:
        if self.closed:
            raise ProtocolError("send on a closed page")
        self.ws.send_text(json.dumps(frame, separators=(",", ":")).encode())
        self._flush()

    def request(
        self, topic: str, event: str, payload: Any, join_ref: str | None = JOIN_REF
    ) -> tuple[asyncio.Future[tuple[Frame, bytes, float]], float]:
        """Send a frame that expects a reply; the future gets (frame, raw, arrival)."""
        ref = str(next(self.refs))
        future: asyncio.Future[tuple[Frame, bytes, float]]
        future = asyncio.get_running_loop().create_future()
        self.pending[ref] = future
        sent = time.perf_counter()
        self.send_frame([join_ref, ref, topic, event, payload])
        return future, sent

    def heartbeat(self) -> None:
        if not self.closed:
            self.send_frame([None, str(next(self.refs)), "phoenix", "heartbeat", {}])

    def beat_every(self, seconds: float, answered: list[float] | None = None) -> None:
        """A heartbeat every ``seconds`` from now on, as ``phoenix.js`` does from the
        moment its socket opens (a timer per page, not one pass over all of them).
        ``answered`` gets each heartbeat's round trip in seconds."""

        def beat() -> None:
            if self.closed or self.ws.state is not State.OPEN:
                return
            future, sent = self.request("phoenix", "heartbeat", {}, join_ref=None)
            if answered is not None:
                future.add_done_callback(
                    lambda f: (
                        f.cancelled() or f.exception() or answered.append(f.result()[2] - sent)
                    )
                )
            else:
                future.add_done_callback(lambda f: f.cancelled() or f.exception())
            self._beat = loop.call_later(seconds, beat)

        loop = asyncio.get_running_loop()
        self._beat = loop.call_later(seconds, beat)

    def close(self) -> None:
        self._closing = True
        if self._beat is not None:
            self._beat.cancel()
            self._beat = None
        if self.transport is None or self.closed:
            return
        if self.ws.state is State.OPEN:
            self.ws.send_close(1000)
            self._flush()
        self.transport.close()


async def open_page(host: str, port: int, path: str, origin: str, cookie: str | None) -> Page:
    loop = asyncio.get_running_loop()
    url = f"ws://{host}:{port}{path}"
    _, page = await loop.create_connection(lambda: Page(url, origin, cookie), host, port)
    await page.opened
    return page


def socket_path(dead: DeadPage) -> str:
    return f"/live/websocket?_csrf_token={dead.csrf}&vsn={VSN}"


def join_payload(dead: DeadPage) -> dict[str, Any]:
    """The ``phx_join`` payload the browser sends for a dead-rendered page."""
    return {
        "url": dead.url,
        "params": {"_csrf_token": dead.csrf, "_mounts": 0, "_mount_attempts": 0},
        "session": dead.session,
        "static": dead.static,
        "flash": None,
        "sticky": False,
    }


async def join(page: Page, dead: DeadPage) -> Frame:
    """``phx_join`` as the browser sends it; returns the ok reply or raises."""
    page.topic = dead.topic
    future, _ = page.request(dead.topic, "phx_join", join_payload(dead))
    frame, _, _ = await future
    if frame[4].get("status") != "ok":
        raise ProtocolError(f"join refused: {json.dumps(frame)[:500]}")
    return frame
