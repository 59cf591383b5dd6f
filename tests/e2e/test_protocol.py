"""The Phoenix channel protocol, spoken by a raw WebSocket client to uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import json
from unittest import mock

import pytest
from tests.e2e.pageclient import Socket, dead_render, open_socket
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tether import tokens
from tether.testing import ServerProcess


async def test_heartbeat_is_answered(demo_server: ServerProcess) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page) as ws:
        sock = Socket(ws)
        ref = await sock.send([None, "7", "phoenix", "heartbeat", {}])
        assert await sock.recv() == [
            None,
            ref,
            "phoenix",
            "phx_reply",
            {"status": "ok", "response": {}},
        ]


async def test_join_then_click_sends_a_small_diff(demo_server: ServerProcess) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page) as ws:
        sock = Socket(ws)
        reply = await sock.join(page)
        response = reply[4]["response"]
        assert reply[4]["status"] == "ok"
        assert response["liveview_version"] == "1.2.12"
        assert "rendered" in response
        ref = await sock.push(page.topic, "event", {"type": "click", "event": "inc", "value": {}})
        raw = await sock.recv_raw()
        frame = json.loads(raw)
        assert frame[1] == ref
        assert frame[4] == {"status": "ok", "response": {"diff": {"0": "1"}}}
        assert len(raw.encode()) <= 96, raw


@pytest.mark.parametrize("csrf", ["", "x" * 64, "A" * 32])
async def test_join_without_a_valid_csrf_token_is_refused(
    demo_server: ServerProcess, csrf: str
) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page, csrf=csrf) as ws:
        sock = Socket(ws)
        reply = await sock.join(page, params={"_csrf_token": csrf})
        assert reply[4] == {"status": "error", "response": {"reason": "unauthorized"}}


async def test_forged_session_token_is_refused(demo_server: ServerProcess) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page) as ws:
        forged = page.session[:-4] + ("AAAA" if not page.session.endswith("AAAA") else "BBBB")
        reply = await Socket(ws).join(page, session=forged)
        assert reply[4] == {"status": "error", "response": {"reason": "stale"}}


async def test_session_token_of_another_element_is_refused(demo_server: ServerProcess) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    other = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page) as ws:
        reply = await Socket(ws).join(page, session=other.session)
        assert reply[4]["response"] == {"reason": "stale"}


async def test_expired_session_token_is_refused(demo_server: ServerProcess) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    with mock.patch("time.time", return_value=1_000_000_000.0):
        browser = tokens.browser_key(page.cookies["csrftoken"])  # only the age is wrong
        old = tokens.sign_session(
            tokens.SessionToken("pages.views.Counter", page.element_id, None, browser)
        )
    async with open_socket(demo_server.ws_url, page) as ws:
        reply = await Socket(ws).join(page, session=old)
        assert reply[4]["response"] == {"reason": "stale"}


async def test_wrong_origin_is_refused(demo_server: ServerProcess) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    with pytest.raises(InvalidStatus) as refused:
        async with open_socket(demo_server.ws_url, page, origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def test_malformed_frame_closes_cleanly_and_others_are_served(
    demo_server: ServerProcess,
) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page) as ws:
        await ws.send("{not json")
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1002
        assert "malformed frame" in closed.value.rcvd.reason
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page) as ws:
        assert (await Socket(ws).join(page))[4]["status"] == "ok"


async def test_unknown_event_gets_an_error_and_the_view_lives_on(
    demo_server: ServerProcess,
) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page) as ws:
        sock = Socket(ws)
        await sock.join(page)
        ref = await sock.push(page.topic, "event", {"type": "click", "event": "nope", "value": {}})
        reply = await sock.reply_to(ref)
        assert reply[4]["status"] == "error"
        assert "nope" in reply[4]["response"]["reason"]
        ref = await sock.push(page.topic, "event", {"type": "click", "event": "inc", "value": {}})
        assert (await sock.reply_to(ref))[4]["response"] == {"diff": {"0": "1"}}


async def test_event_on_a_topic_never_joined_is_unmatched(demo_server: ServerProcess) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page) as ws:
        sock = Socket(ws)
        ref = await sock.push("lv:phx-nothere", "event", {"type": "click", "event": "inc"})
        reply = await sock.reply_to(ref)
        assert reply[4] == {"status": "error", "response": {"reason": "unmatched topic"}}


@pytest.mark.parametrize(
    ("frame", "code", "reason"),
    [
        ("[" + " " * 300_000 + "]", 1009, "frame over"),
        (b"\x00\x01binary", 1003, "malformed binary frame"),  # binary is for upload chunks
        (bytes([0, 1, 1, 4, 5]) + b"12lv:xevent", 1003, "binary frames are for upload chunks"),
        ('["1","2","lv:x","event"]', 1002, "expected a JSON array of 5 elements"),
    ],
)
async def test_oversized_binary_and_misshapen_frames_close_with_a_reason(
    demo_server: ServerProcess, frame: str | bytes, code: int, reason: str
) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page, max_size=None) as ws:
        await ws.send(frame)
        with pytest.raises(ConnectionClosed) as closed:
            await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == code
        assert reason in closed.value.rcvd.reason
    # The server keeps serving the next client.
    page = await dead_render(demo_server.url, "/counter/")
    async with open_socket(demo_server.ws_url, page) as ws:
        assert (await Socket(ws).join(page))[4]["status"] == "ok"


async def test_a_flood_of_events_is_cut_off_without_hurting_others(
    demo_server: ServerProcess,
) -> None:
    page = await dead_render(demo_server.url, "/counter/")
    other_page = await dead_render(demo_server.url, "/counter/")
    async with (
        open_socket(demo_server.ws_url, page) as ws,
        open_socket(demo_server.ws_url, other_page) as other_ws,
    ):
        sock, other = Socket(ws), Socket(other_ws)
        await sock.join(page)
        await other.join(other_page)
        event = {"type": "click", "event": "inc", "value": {}}
        frames = [json.dumps(["1", str(n), page.topic, "event", event]) for n in range(20_000)]
        with contextlib.suppress(ConnectionClosed):
            for text in frames:
                await ws.send(text)
        closed_code = None
        try:
            async with asyncio.timeout(20):
                while True:
                    await ws.recv()
        except ConnectionClosed as exc:
            closed_code = exc.rcvd.code if exc.rcvd else None
        # The rate limit (TETHER["RATE_LIMIT"]) cuts the flooder off before its
        # view's mailbox fills: 1008, policy violation.
        assert closed_code == 1008
        ref = await other.push(other_page.topic, "event", event)
        assert (await other.reply_to(ref))[4]["response"] == {"diff": {"0": "1"}}
