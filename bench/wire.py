"""The browser's side of the wire: dead render over HTTP, then one WebSocket per page.

Each page is an ``asyncio.Protocol`` driving websockets' sans-I/O client, so an
open page costs a transport and a few objects, not a task. Frames are the
Phoenix channel protocol's V2 JSON arrays, built exactly as ``phoenix.js``
builds them.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import itertools
import json
import re
import time
from dataclasses import dataclass
from typing import Any, cast

import httpx
from websockets.client import ClientProtocol
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


def http_client(concurrency: int) -> httpx.AsyncClient:
    """A keep-alive client that keeps no cookies: every page is a new browser."""
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(cookies=jar, limits=limits, timeout=60.0)


def _attribute(tag: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', tag)
    if match is None:
        raise ProtocolError(f"{name} missing from the live container")
    return match.group(1)


async def dead_render(client: httpx.AsyncClient, base: str, path: str) -> DeadPage:
    response = await client.get(base + path)
    if response.status_code != 200:
        raise ProtocolError(f"GET {path} answered {response.status_code}")
    html = response.text
    container = _CONTAINER.search(html)
    csrf = _CSRF.search(html)
    if container is None or csrf is None:
        raise ProtocolError(f"GET {path}: no live container or csrf meta tag")
    cookies = [value.split(";", 1)[0] for value in response.headers.get_list("set-cookie")]
    return DeadPage(
        url=base + path,
        element_id=container.group(1),
        session=_attribute(container.group(0), "data-phx-session"),
        static=_attribute(container.group(0), "data-phx-static"),
        csrf=csrf.group(1),
        cookie="; ".join(cookies),
    )


Frame = list[Any]


class Page(asyncio.Protocol):
    """One browser tab: a WebSocket carrying one joined live view.

    Replies resolve the future waiting on their ref. Pushes (``ref`` null) are
    only looked at for ``watch``: the arrival time of the first frame holding
    that marker is kept, taken when the bytes reach the client.
    """

    def __init__(self, url: str, origin: str, cookie: str | None) -> None:
        self.ws = ClientProtocol(parse_uri(url), origin=Origin(origin), max_size=2**24)
        self.cookie = cookie
        self.transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.refs = itertools.count(1)
        self.pending: dict[str, asyncio.Future[tuple[Frame, bytes, float]]] = {}
        self.topic = ""
        self.watch: bytes | None = None
        self.arrived: float | None = None
        self.closed = False
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

    def close(self) -> None:
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


async def join(page: Page, dead: DeadPage) -> Frame:
    """``phx_join`` as the browser sends it; returns the ok reply or raises."""
    payload = {
        "url": dead.url,
        "params": {"_csrf_token": dead.csrf, "_mounts": 0, "_mount_attempts": 0},
        "session": dead.session,
        "static": dead.static,
        "flash": None,
        "sticky": False,
    }
    page.topic = dead.topic
    future, _ = page.request(dead.topic, "phx_join", payload)
    frame, _, _ = await future
    if frame[4].get("status") != "ok":
        raise ProtocolError(f"join refused: {json.dumps(frame)[:500]}")
    return frame
