"""Random and mutated frames through the real socket, while an honest client clicks.

Several hostile sockets (each reopened when the server closes it) send what
``strategies.frames`` draws: valid joins and events, forged tokens, wrong
types, missing fields, deep, huge and unicode values, random topics. Between
batches an honest ``LiveClient`` clicks its counter and must see every count.
The run fails on any ERROR log record, any exception escaping the app, any
frame the browser could not parse, or a wrong count.

It is bounded by time, not examples: ``TETHER_FUZZ_SECONDS`` (45 by default;
``make fuzz`` runs it longer).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from typing import Any

import httpx
import pytest
from django.core.asgi import get_asgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz.strategies import Page, frames
from tests.fuzz.wire import ErrorLog, RawSocket

from tether.asgi import TetherASGI
from tether.presence import get_presence, reset_presence
from tether.pubsub import get_pubsub, reset_pubsub
from tether.testing import LiveClient
from tether.types import ASGIApp

pytestmark = pytest.mark.django_db(transaction=True)

SECONDS = float(os.environ.get("TETHER_FUZZ_SECONDS", "45"))
BASE = "http://testserver"
# (path, event names its view handles, their type): a counter and a Django form.
HONEST_CLICK_EVERY = 0.05  # seconds
PAGES = [("/counter/", ("inc", "dec"), "click"), ("/templates/form/", ("validate", "save"), "form")]
HOSTILE_SOCKETS = 4


class TimeUp(BaseException):
    """Ends the hypothesis run when the time is up; a BaseException, so it is not shrunk."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} in a server frame: the browser's JSON.parse refuses it")


class Hostile:
    """One attacker's browser: its own dead render, and a socket reopened after each close."""

    def __init__(self, app: ASGIApp, page: Page, cookies: str) -> None:
        self.app = app
        self.page = page
        self.headers = [
            (b"host", b"testserver"),
            (b"origin", BASE.encode()),
            (b"cookie", cookies.encode()),
        ]
        self.socket: RawSocket | None = None
        self.opened = 0

    async def ensure_open(self) -> RawSocket:
        socket = self.socket
        if socket is not None and socket.open:
            return socket
        if socket is not None:
            check_frames(socket.drain())
            await socket.close()  # re-raises what escaped the app
        socket = self.socket = RawSocket(self.app, headers=self.headers)
        query = f"_csrf_token={self.page.csrf}&vsn=2.0.0".encode()
        assert await socket.connect(query), socket.close_code
        self.opened += 1
        return socket

    async def close(self) -> None:
        if self.socket is not None:
            check_frames(self.socket.drain())
            await self.socket.close()


REPLIES = {"joined": 0, "diffs": 0, "errors": 0}


def check_frames(texts: list[str]) -> None:
    """Every frame the server sends must be UTF-8 and a V2 array the client can parse."""
    for text in texts:
        text.encode("utf-8")  # what the ASGI server does before it goes on the wire
        frame = json.loads(text, parse_constant=_no_constant)
        assert isinstance(frame, list) and len(frame) == 5, text[:200]
        payload = frame[4]
        if frame[3] == "phx_reply" and isinstance(payload, dict):
            response = payload.get("response")
            if payload.get("status") != "ok":
                REPLIES["errors"] += 1
            elif isinstance(response, dict) and "rendered" in response:
                REPLIES["joined"] += 1
            elif isinstance(response, dict) and "diff" in response:
                REPLIES["diffs"] += 1


async def dead_render(
    app: ASGIApp, path: str, events: tuple[str, ...], event_type: str
) -> tuple[Page, str]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url=BASE,
    ) as http:
        response = await http.get(path)
        assert response.status_code == 200, response.status_code
        html = response.text
        cookies = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    main = re.search(r'<div id="(phx-[^"]+)" data-phx-main[^>]*>', html)
    assert main, "no live container"

    def attr(text: str, name: str) -> str:
        found = re.search(rf'{name}="([^"]*)"', text)
        assert found, name
        return found.group(1)

    page = Page(
        url=BASE + path,
        element_id=main.group(1),
        session=attr(main.group(0), "data-phx-session"),
        static=attr(main.group(0), "data-phx-static"),
        csrf=attr(html, 'name="csrf-token" content'),
        events=events,
        event_type=event_type,
    )
    return page, cookies


def test_protocol_fuzz_hostile_frames_never_disturb_an_honest_client() -> None:
    with asyncio.Runner() as runner, ErrorLog() as errors:
        app = TetherASGI(get_asgi_application(), serve_static=False)
        hostiles: list[Hostile] = []
        for n in range(HOSTILE_SOCKETS):
            page, cookies = runner.run(dead_render(app, *PAGES[n % len(PAGES)]))
            hostiles.append(Hostile(app, page, cookies))
        honest = LiveClient(app)
        runner.run(honest.__aenter__())
        view = runner.run(honest.live("/counter/"))
        stats = {"examples": 0, "frames": 0, "clicks": 0}
        last_click = [0.0]
        deadline = time.monotonic() + SECONDS

        async def one_batch(batch: list[tuple[int, str]]) -> None:
            for index, text in batch:
                socket = await hostiles[index].ensure_open()
                await socket.send(text)
                stats["frames"] += 1
                await asyncio.sleep(0)  # let the server read it before the next one
                check_frames(socket.drain())
            # A person clicks a few times a second, far under the rate limit
            # (TETHER["RATE_LIMIT"]); the hostile sockets pay for their own floods.
            if time.monotonic() - last_click[0] >= HONEST_CLICK_EVERY:
                last_click[0] = time.monotonic()
                async with asyncio.timeout(10):
                    await view.click("#inc")
                stats["clicks"] += 1
            assert view.text("#count") == str(stats["clicks"]), view.html()
            for hostile in hostiles:
                await hostile.ensure_open()
            assert not errors.records, errors.describe()

        batches = st.lists(
            st.one_of(
                *(st.tuples(st.just(n), frames(hostile.page)) for n, hostile in enumerate(hostiles))
            ),
            min_size=1,
            max_size=12,
        )

        @settings(
            max_examples=10**9,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(batches)
        def fuzz(batch: list[tuple[int, str]]) -> None:
            if time.monotonic() > deadline:
                raise TimeUp
            stats["examples"] += 1
            runner.run(one_batch(batch))

        try:
            fuzz()
        except TimeUp:
            pass
        finally:
            for hostile in hostiles:
                runner.run(hostile.close())
            runner.run(honest.close())
            runner.run(_reset_process_state())
        opened = sum(hostile.opened for hostile in hostiles)
        print(
            f"\nfuzz: {stats['frames']} frames in {stats['examples']} batches over "
            f"{SECONDS:g}s, {opened} hostile sockets opened, {stats['clicks']} honest clicks; "
            f"replies to hostile frames: {REPLIES}"
        )
        assert not errors.records, errors.describe()
        assert stats["frames"] > 0


async def _reset_process_state() -> None:
    """This test ran its own event loop: drop the loop-bound singletons."""
    await get_presence().close()
    await get_pubsub().close()
    reset_presence()
    reset_pubsub()
