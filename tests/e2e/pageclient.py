"""A raw protocol client for tests: dead render over HTTP, then the socket."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect


@dataclass
class DeadPage:
    url: str
    element_id: str
    session: str
    static: str
    csrf: str
    cookies: dict[str, str]

    @property
    def topic(self) -> str:
        return "lv:" + self.element_id

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def attr(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html)
    assert match, f"{name} not in page"
    return match.group(1)


async def dead_render(base: str, path: str, client: httpx.AsyncClient | None = None) -> DeadPage:
    own = client is None
    client = client or httpx.AsyncClient()
    try:
        response = await client.get(base + path)
        response.raise_for_status()
        html = response.text
        cookies = dict(client.cookies)
    finally:
        if own:
            await client.aclose()
    div = re.search(r'<div id="(phx-[^"]+)" data-phx-main[^>]*>', html)
    assert div, "no live container"
    return DeadPage(
        url=base + path,
        element_id=div.group(1),
        session=attr(div.group(0), "data-phx-session"),
        static=attr(div.group(0), "data-phx-static"),
        csrf=attr(html, 'name="csrf-token" content'),
        cookies=cookies,
    )


@dataclass
class Socket:
    ws: ClientConnection
    refs: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, frame: list[Any]) -> str:
        await self.ws.send(json.dumps(frame))
        return str(frame[1])

    async def push(self, topic: str, event: str, payload: Any, join_ref: str | None = "1") -> str:
        ref = str(next(self.refs))
        await self.ws.send(json.dumps([join_ref, ref, topic, event, payload]))
        return ref

    async def recv(self) -> list[Any]:
        raw = await self.ws.recv()
        assert isinstance(raw, str)
        frame: list[Any] = json.loads(raw)
        return frame

    async def recv_raw(self) -> str:
        raw = await self.ws.recv()
        assert isinstance(raw, str)
        return raw

    async def reply_to(self, ref: str) -> list[Any]:
        while True:
            frame = await self.recv()
            if frame[1] == ref and frame[3] == "phx_reply":
                return frame

    async def join(self, page: DeadPage, **overrides: Any) -> list[Any]:
        payload = {
            "url": page.url,
            "params": {"_csrf_token": page.csrf, "_mounts": 0},
            "session": page.session,
            "static": page.static,
        }
        payload.update(overrides)
        ref = str(next(self.refs))
        await self.ws.send(json.dumps(["1", ref, page.topic, "phx_join", payload]))
        return await self.reply_to(ref)


def open_socket(
    ws_base: str,
    page: DeadPage,
    *,
    csrf: str | None = None,
    origin: str | None = None,
    **options: Any,
) -> Any:
    token = page.csrf if csrf is None else csrf
    query = f"?_csrf_token={token}&vsn=2.0.0" if token else "?vsn=2.0.0"
    headers = {"Cookie": page.cookie_header()}
    return connect(
        ws_base + "/live/websocket" + query,
        additional_headers=headers,
        origin=origin or ws_base.replace("ws://", "http://"),  # type: ignore[arg-type]
        **options,
    )
