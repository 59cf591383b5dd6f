"""Hostile and unlucky upload clients: refused cleanly, nothing left on disk, others served."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from tether import protocol
from tether.testing import LiveClient, LiveViewTest
from tether.testing import uploads as upload_frames
from tether.tokens import UploadToken, sign_upload

from .conftest import files_in

LAB = "/uploads/lab/"


async def preflight(
    view: LiveViewTest, files: list[upload_frames.FileSpec]
) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """Choose ``files`` and ask for their tokens, as the browser does before sending."""
    form, event = view._binding("#upload-form", protocol.BINDING_CHANGE)
    entries = upload_frames.client_entries(files)
    await view._send_event(upload_frames.choose(form, event, "avatar", entries))
    ref = str(view.element("#upload-form input[type=file]")[protocol.ATTR_UPLOAD_REF])
    reply = await view._request(
        protocol.ALLOW_UPLOAD, {protocol.UPLOAD_REF: ref, protocol.UPLOAD_ENTRIES: entries}
    )
    return ref, entries, reply[protocol.REPLY_RESPONSE]


def channel(view: LiveViewTest) -> Any:
    assert view._channel is not None
    return view._channel


def reason(reply: dict[str, Any]) -> str:
    assert reply[protocol.REPLY_STATUS] == protocol.STATUS_ERROR, reply
    return str(reply[protocol.REPLY_RESPONSE][protocol.REASON])


async def still_serving(live_client: LiveClient) -> None:
    other = await live_client.live("/echo/")
    await other.push("click", "add", {"n": "4"})
    assert other.text("#total") == "4"


async def test_a_forged_token_is_refused(live_client: LiveClient) -> None:
    view = await live_client.live(LAB)
    _ref, entries, _response = await preflight(view, [("a.txt", b"abc", "text/plain")])
    entry_ref = entries[0][protocol.UPLOAD_REF]
    forged = sign_upload(UploadToken("another-socket", view.page.element_id, "phx-x", entry_ref))
    for token in ("not a token", forged + "x", forged):
        _join_ref, joined = await upload_frames.join_upload(
            channel(view), entry_ref, token, timeout=5
        )
        assert reason(joined) == protocol.REASON_INVALID_TOKEN
    await still_serving(live_client)


async def test_a_token_works_once(live_client: LiveClient) -> None:
    view = await live_client.live(LAB)
    _ref, entries, response = await preflight(view, [("a.txt", b"abc", "text/plain")])
    entry_ref = entries[0][protocol.UPLOAD_REF]
    token = response[protocol.UPLOAD_ENTRIES][entry_ref]
    _join_ref, first = await upload_frames.join_upload(channel(view), entry_ref, token, timeout=5)
    assert first[protocol.REPLY_STATUS] == protocol.STATUS_OK
    _join_ref, again = await upload_frames.join_upload(channel(view), entry_ref, token, timeout=5)
    assert reason(again) == protocol.REASON_ALREADY_REGISTERED


async def test_bytes_beyond_the_declared_size_stop_the_upload_and_remove_the_file(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live(LAB)
    _ref, entries, response = await preflight(view, [("liar.txt", b"abcd", "text/plain")])
    entry_ref = entries[0][protocol.UPLOAD_REF]
    token = response[protocol.UPLOAD_ENTRIES][entry_ref]
    join_ref, _joined = await upload_frames.join_upload(channel(view), entry_ref, token, timeout=5)
    ok = await upload_frames.push_chunk(channel(view), entry_ref, join_ref, b"abc", timeout=5)
    assert ok[protocol.REPLY_STATUS] == protocol.STATUS_OK
    assert len(files_in(upload_dirs["temp"])) == 1
    over = await upload_frames.push_chunk(channel(view), entry_ref, join_ref, b"de", timeout=5)
    assert reason(over) == protocol.REASON_FILE_SIZE_LIMIT
    assert over[protocol.REPLY_RESPONSE][protocol.UPLOAD_LIMIT] == 4
    assert files_in(upload_dirs["temp"]) == [], "the partial file is gone"
    after = await upload_frames.push_chunk(channel(view), entry_ref, join_ref, b"d", timeout=5)
    assert reason(after) == protocol.REASON_UNMATCHED_TOPIC, "the channel is closed"
    await still_serving(live_client)


async def test_a_chunk_larger_than_the_upload_allows_is_refused(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live(LAB)
    data = b"x" * 70_000  # declared honestly, but sent in one chunk over chunk_size (64 000)
    _ref, entries, response = await preflight(view, [("big.txt", data, "text/plain")])
    entry_ref = entries[0][protocol.UPLOAD_REF]
    token = response[protocol.UPLOAD_ENTRIES][entry_ref]
    join_ref, _joined = await upload_frames.join_upload(channel(view), entry_ref, token, timeout=5)
    refused = await upload_frames.push_chunk(channel(view), entry_ref, join_ref, data, timeout=5)
    assert reason(refused) == protocol.REASON_CHUNK_TOO_LARGE
    assert files_in(upload_dirs["temp"]) == []


async def test_chunks_after_cancel_are_refused(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live(LAB)
    _ref, entries, response = await preflight(view, [("a.txt", b"abcdef", "text/plain")])
    entry_ref = entries[0][protocol.UPLOAD_REF]
    token = response[protocol.UPLOAD_ENTRIES][entry_ref]
    join_ref, _joined = await upload_frames.join_upload(channel(view), entry_ref, token, timeout=5)
    await upload_frames.push_chunk(channel(view), entry_ref, join_ref, b"abc", timeout=5)
    await view.click(".upload-entry button[aria-label=cancel]")
    closed = (protocol.LVU_TOPIC_PREFIX + entry_ref, protocol.PHX_CLOSE, {})
    assert closed in channel(view).others, "the server closed the upload channel"
    late = await upload_frames.push_chunk(channel(view), entry_ref, join_ref, b"def", timeout=5)
    assert reason(late) == protocol.REASON_UNMATCHED_TOPIC
    assert files_in(upload_dirs["temp"]) == []
    _join_ref, rejoin = await upload_frames.join_upload(channel(view), entry_ref, token, timeout=5)
    assert reason(rejoin) == protocol.REASON_DISALLOWED
    await still_serving(live_client)


@pytest.mark.parametrize(
    "frame",
    [
        protocol.encode_binary("1", "2", "lv:phx-nothere", protocol.CHUNK, b"data"),  # a view topic
        protocol.encode_binary("1", "2", "lvu:0", "not-a-chunk", b"data"),
        b"\x01\x00\x00\x00\x00",  # a reply's kind: clients send pushes only
        b"\x00\x09\x00\x01\x01ab",  # lengths past the end
        b"\x00",
    ],
)
async def test_other_binary_frames_close_the_socket_and_others_are_served(
    live_client: LiveClient, frame: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    view = await live_client.live(LAB)
    caplog.set_level(logging.INFO, logger="tether.socket")
    assert view._transport is not None
    await view._transport.send_bytes(frame)
    await view.wait_for(lambda v: v.closed)
    assert f"closing socket ({protocol.CLOSE_UNSUPPORTED})" in caplog.text
    await still_serving(live_client)


async def test_a_disconnect_mid_upload_leaves_no_temporary_file(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live(LAB)
    _ref, entries, response = await preflight(view, [("a.txt", b"abcdef", "text/plain")])
    entry_ref = entries[0][protocol.UPLOAD_REF]
    token = response[protocol.UPLOAD_ENTRIES][entry_ref]
    join_ref, _joined = await upload_frames.join_upload(channel(view), entry_ref, token, timeout=5)
    await upload_frames.push_chunk(channel(view), entry_ref, join_ref, b"abc", timeout=5)
    assert len(files_in(upload_dirs["temp"])) == 1
    await view.close()
    assert files_in(upload_dirs["temp"]) == []


async def test_a_reconnect_drops_unfinished_entries_and_keeps_the_upload(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live(LAB + "?max=3")
    await preflight(view, [("a.txt", b"abcdef", "text/plain")])
    assert view.has_element(".upload-entry")
    await view.reconnect()  # the view thaws from its frozen state
    assert not view.has_element(".upload-entry"), "entries never survive a freeze"
    assert files_in(upload_dirs["temp"]) == []
    result = await view.upload("#upload-form", "avatar", [("b.txt", b"b", "text/plain")])
    assert result.outcome == {"b.txt": "ok"}, "the upload's settings did"
