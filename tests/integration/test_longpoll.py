"""Issue 18: the long-poll transport's own rules, request by request.

What a page does over long poll is the integration scenarios' job (they run over
both transports, see conftest.py); these tests make the requests by hand, as a
hostile or vanished client would, and check what the server refuses and cleans up.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings

from tether import protocol
from tether.errors import LiveTestError
from tether.live.registry import registry
from tether.longpoll.hub import hub
from tether.state import get_state_store
from tether.testing import LiveClient, LiveViewTest, pushes
from tether.testing.page import DeadPage, parse_dead

BASE = "http://testserver"
NDJSON = "application/x-ndjson"
IDLE_EXPIRY = 0.3


@pytest.fixture(autouse=True)
def _quick_polls() -> Iterator[None]:
    limits = {"POLL_TIMEOUT": 0.2, "IDLE_EXPIRY": IDLE_EXPIRY, "BUFFER": 20}
    with override_settings(TETHER={**settings.TETHER, "LONGPOLL": limits}):
        yield


@pytest.fixture(autouse=True)
async def _no_connection_outlives_its_test() -> AsyncIterator[None]:
    # A client that stops polling is cleaned up by a timer of the test's own loop,
    # which ends with the test: what is left open would count as an open socket
    # in the next test (the telemetry tests read that count).
    yield
    await hub.close()


class RawPoller:
    """A long-poll client that sends exactly what it is told to, and stops when told."""

    def __init__(self, client: LiveClient, page: DeadPage) -> None:
        self.client = client
        self.page = page
        self.token: str | None = None
        self.refs = iter(range(1, 10_000))

    async def request(
        self,
        method: str,
        body: str | bytes = "",
        *,
        token: str | None = None,
        csrf: str | None = None,
        origin: str = BASE,
        vsn: str = protocol.SERIALIZER_VSN,
    ) -> tuple[int, dict[str, Any]]:
        query = {protocol.CSRF_PARAM: csrf or self.page.csrf, protocol.VSN_PARAM: vsn}
        if token or self.token:
            query[protocol.LONGPOLL_TOKEN_PARAM] = token or self.token or ""
        cookie = "; ".join(f"{k}={v}" for k, v in self.client.http.cookies.items())
        scope = {
            "type": "http",
            "method": method,
            "path": protocol.LONGPOLL_PATH,
            "query_string": urlencode(query).encode(),
            "headers": [
                (b"host", b"testserver"),
                (b"origin", origin.encode()),
                (b"cookie", cookie.encode()),
                (b"content-type", NDJSON.encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "scheme": "http",
        }
        sent = False
        status: list[int] = []
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                data = body.encode() if isinstance(body, str) else body
                return {"type": "http.request", "body": data, "more_body": False}
            await asyncio.Event().wait()  # this client never drops a request
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            else:
                chunks.append(message.get("body", b""))

        await self.client.app(scope, receive, send)
        return status[0], json.loads(b"".join(chunks))

    async def open(self) -> None:
        """A new connection, as the client's new transport opens one (no token)."""
        self.token = None
        http, body = await self.request("GET")
        assert (http, body[protocol.LONGPOLL_STATUS]) == (200, protocol.LONGPOLL_GONE)
        self.token = body[protocol.LONGPOLL_TOKEN]

    def frame(self, event: str, payload: Any) -> str:
        ref = str(next(self.refs))
        join_ref = ref if event == protocol.PHX_JOIN else "1"
        topic = protocol.LV_TOPIC_PREFIX + self.page.element_id
        return protocol.encode(join_ref, ref, topic, event, payload)

    def join(self) -> str:
        payload = pushes.join(self.page, self.page.url, redirect=False, mounts=0, flash=None)
        return self.frame(protocol.PHX_JOIN, payload)

    def click(self, name: str) -> str:
        return self.frame(protocol.EVENT, {"type": "click", "event": name, "value": {}})

    async def post(self, *frames: str, **options: Any) -> int:
        _, body = await self.request("POST", "\n".join(frames), **options)
        return int(body[protocol.LONGPOLL_STATUS])

    async def replies(self, count: int) -> list[dict[str, Any]]:
        """Poll until ``count`` replies have come (a bounded number of polls)."""
        got: list[dict[str, Any]] = []
        for _ in range(50):
            _, body = await self.request("GET")
            if body[protocol.LONGPOLL_STATUS] == protocol.LONGPOLL_GONE:
                break
            frames = [json.loads(text) for text in body.get(protocol.LONGPOLL_MESSAGES, [])]
            got += [f[4] for f in frames if f[3] == protocol.PHX_REPLY]
            if len(got) >= count:
                break
        assert len(got) == count, got
        return got


async def _poller(client: LiveClient, path: str) -> RawPoller:
    response = await client.get(path)
    poller = RawPoller(client, parse_dead(str(response.url), response.text))
    await poller.open()
    return poller


async def _eventually(check: Callable[[], bool], what: str) -> None:
    """Wait for ``check()`` within a few idle bounds (the cleanup is timer driven)."""
    for _ in range(200):
        if check():
            return
        await asyncio.sleep(IDLE_EXPIRY / 10)
    raise AssertionError(f"not within the idle bound: {what}")


# -- the exchange ------------------------------------------------------------------


async def test_a_page_joins_clicks_and_gets_its_diffs_over_plain_requests() -> None:
    async with LiveClient() as client:
        poller = await _poller(client, "/counter/")
        assert await poller.post(poller.join(), poller.click("inc"), poller.click("inc")) == 200
        join, first, second = await poller.replies(3)
        assert join["status"] == "ok" and protocol.RENDERED in join["response"]
        assert first["response"] == {"diff": {"0": "1"}}
        assert second["response"] == {"diff": {"0": "2"}}
        # Nothing waiting: the poll answers 204 after POLL_TIMEOUT.
        _, body = await poller.request("GET")
        assert body[protocol.LONGPOLL_STATUS] == protocol.LONGPOLL_NO_CONTENT


# -- refusals: as over the WebSocket -------------------------------------------------


@pytest.mark.parametrize("transport", ["websocket", "longpoll"])
async def test_a_forged_session_token_or_csrf_token_is_refused_at_join(transport: str) -> None:
    async with LiveClient(transport=transport) as client:
        own = await client.live("/counter/")
        forged_session = dataclasses.replace(own.page, session=own.page.session[:-2] + "xx")
        wrong_csrf = dataclasses.replace(own.page, csrf="a" * 64)
        for page in (forged_session, wrong_csrf):
            with pytest.raises(LiveTestError, match="join refused"):
                await LiveViewTest(client, page).connect()
        await own.click("#inc")
        assert own.text("#count") == "1"  # the server keeps serving the real page


async def test_a_forged_long_poll_token_names_no_connection() -> None:
    async with LiveClient() as client:
        victim = await _poller(client, "/counter/")
        assert await victim.post(victim.join()) == 200
        await victim.replies(1)
        assert victim.token is not None
        unsigned = victim.token.rpartition(":")[0]
        tampered = victim.token[:-1] + ("A" if victim.token[-1] != "A" else "B")
        for forged in (unsigned, tampered, "not-a-token"):
            assert await victim.post(victim.click("inc"), token=forged) == protocol.LONGPOLL_GONE
            _, body = await victim.request("GET", token=forged)
            assert body == {protocol.LONGPOLL_STATUS: protocol.LONGPOLL_GONE}
        # None of the forged clicks reached the view: the next one counts 1.
        assert await victim.post(victim.click("inc")) == 200
        (reply,) = await victim.replies(1)
        assert reply["response"] == {"diff": {"0": "1"}}


async def test_every_request_needs_the_connections_csrf_token_and_a_same_site_origin() -> None:
    async with LiveClient() as client:
        poller = await _poller(client, "/counter/")
        assert await poller.post(poller.join()) == 200
        other_csrf = "b" * 64
        http, body = await poller.request("POST", poller.click("inc"), csrf=other_csrf)
        assert (http, body[protocol.LONGPOLL_STATUS]) == (403, protocol.LONGPOLL_FORBIDDEN)
        http, body = await poller.request("GET", csrf=other_csrf)
        assert (http, body[protocol.LONGPOLL_STATUS]) == (403, protocol.LONGPOLL_FORBIDDEN)
        for method in ("GET", "POST"):
            http, _ = await poller.request(method, origin="http://evil.example")
            assert http == 403
        http, _ = await poller.request("GET", token="", vsn="1.0.0")
        assert http == 403
        (join,) = await poller.replies(1)
        assert join["status"] == "ok"
        _, body = await poller.request("GET")  # and nothing else was dispatched
        assert body[protocol.LONGPOLL_STATUS] == protocol.LONGPOLL_NO_CONTENT


@pytest.mark.parametrize(
    ("body", "http"),
    [
        ("x" * (256 * 1024 + 1), 400),  # one frame over MAX_FRAME_BYTES
        ("[1, 2]", 400),  # not a frame
        ("\n".join(['[null,null,"phoenix","heartbeat",{}]'] * 40_000), 413),  # batch too big
    ],
)
async def test_a_bad_frame_or_batch_closes_the_connection(body: str, http: int) -> None:
    async with LiveClient() as client:
        poller = await _poller(client, "/counter/")
        assert await poller.post(poller.join()) == 200
        status, _ = await poller.request("POST", body)
        assert status == http
        await _eventually(lambda: poller.token is not None and hub.find(poller.token) is None, "")
        _, answer = await poller.request("GET")
        assert answer[protocol.LONGPOLL_STATUS] == protocol.LONGPOLL_GONE


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        '["1","2","lv:phx-x","event",' + "[" * 5000 + "]" * 5000 + "]",
        '["1","2","lv:phx-x","event",' + "1" * 5000 + "]",
        '[null,"1","phoenix","heartbeat",{"n":NaN}]',
        b"\xff\xfe not utf-8",
    ],
    ids=["deep-nesting", "deep-payload", "over-long-integer", "nan", "not-utf-8"],
)
async def test_hostile_bodies_are_refused_cleanly_and_others_are_served(
    body: str | bytes, caplog: pytest.LogCaptureFixture
) -> None:
    async with LiveClient() as client:
        hostile = await _poller(client, "/counter/")
        honest = await _poller(client, "/counter/")
        assert await honest.post(honest.join()) == 200
        http, _ = await hostile.request("POST", body)
        assert http == 400
        assert await honest.post(honest.click("inc")) == 200
        assert (await honest.replies(2))[-1]["response"] == {"diff": {"0": "1"}}
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]


async def test_a_frame_holding_a_line_separator_is_one_frame() -> None:
    # JSON leaves U+2028 and U+0085 unescaped in strings; only "\n" separates frames.
    async with LiveClient() as client:
        poller = await _poller(client, "/counter/")
        join = poller.join()
        click = poller.frame(
            protocol.EVENT, {"type": "click", "event": "inc", "value": {"v": "a\u2028b\x85c"}}
        )
        assert "\u2028" in click
        assert await poller.post(join, click) == 200
        assert (await poller.replies(2))[-1]["response"] == {"diff": {"0": "1"}}


# -- limits and cleanup ------------------------------------------------------------


async def test_a_client_that_lets_frames_pile_up_is_dropped_and_its_view_frozen() -> None:
    async with LiveClient() as client:
        poller = await _poller(client, "/counter/")
        # BUFFER is 20 here: the join's reply and 25 clicks' replies, never polled.
        join = poller.join()
        clicks = [poller.click("inc") for _ in range(25)]
        assert await poller.post(join, *clicks) in (200, protocol.LONGPOLL_GONE)
        store = get_state_store()
        token = poller.token
        await _eventually(lambda: hub.find(token) is None, "the connection closed")
        assert await store.get(poller.page.element_id) is not None
        _, body = await poller.request("GET")
        assert body[protocol.LONGPOLL_STATUS] == protocol.LONGPOLL_GONE


async def test_a_client_that_stops_polling_is_cleaned_up_like_a_closed_socket(
    live_client_factory: Any,
) -> None:
    User = get_user_model()
    ada_user = await User.objects.acreate_user("ada", password="pw")
    bob_user = await User.objects.acreate_user("bob", password="pw")
    bob_client: LiveClient = await live_client_factory("websocket")
    await bob_client.login(bob_user)
    bob = await bob_client.live("/chat/lobby/")
    ada_client: LiveClient = await live_client_factory("longpoll")
    await ada_client.login(ada_user)
    ada = await _poller(ada_client, "/chat/lobby/")
    assert await ada.post(ada.join()) == 200
    (join,) = await ada.replies(1)
    assert join["status"] == "ok"
    connection = hub.find(ada.token)
    assert connection is not None and connection in registry.sockets

    def present() -> list[str]:
        return [li.get_text() for li in bob.soup().select("#present li")]

    async def keep_polling() -> None:
        while True:
            await ada.request("GET")

    polling = asyncio.create_task(keep_polling())
    await bob.wait_for(lambda v: present() == ["ada", "bob"])
    polling.cancel()
    await asyncio.gather(polling, return_exceptions=True)
    # Ada's phone sleeps: no more polls, nothing said. Within IDLE_EXPIRY her
    # connection closes: her view freezes and she leaves the room's presence.
    await bob.wait_for(lambda v: present() == ["bob"], timeout=10 * IDLE_EXPIRY + 5)
    assert hub.find(ada.token) is None and connection not in registry.sockets
    assert await get_state_store().get(ada.page.element_id) is not None
    # The others are still served.
    await bob.submit("#chat-form", {"body": "still here"})
    await bob.wait_for_element("#messages li", text="still here")


async def test_a_view_frozen_by_the_idle_expiry_resumes_on_a_new_connection() -> None:
    async with LiveClient() as client:
        poller = await _poller(client, "/counter/")
        join = poller.join()
        clicks = [poller.click("inc") for _ in range(3)]
        assert await poller.post(join, *clicks) == 200
        assert (await poller.replies(4))[-1]["response"] == {"diff": {"0": "3"}}
        token = poller.token
        await _eventually(lambda: hub.find(token) is None, "the idle connection closed")
        # The page reconnects, as the client does after a 410: the count resumes.
        await poller.open()
        assert await poller.post(poller.join()) == 200
        (join,) = await poller.replies(1)
        assert join["response"][protocol.RENDERED]["0"] == "3"
