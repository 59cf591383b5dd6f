"""tether.protocol: V2 frames in and out.

Named ``test_protocol_frames`` because tests/e2e/test_protocol.py owns the basename.
"""

from __future__ import annotations

import json

import pytest

from tether import protocol
from tether.errors import MalformedFrame
from tether.protocol import decode, encode, encode_with_payload, reply


def test_decode_accepts_a_v2_frame() -> None:
    frame = decode('["1","2","lv:phx-abc","event",{"type":"click","event":"inc"}]')
    assert frame == ("1", "2", "lv:phx-abc", "event", {"type": "click", "event": "inc"})


def test_decode_accepts_null_refs() -> None:
    assert decode('[null,null,"phoenix","heartbeat",{}]') == (
        None,
        None,
        "phoenix",
        "heartbeat",
        {},
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        ("[1, 2,", "not JSON"),
        ('{"topic": "x"}', "expected a JSON array of 5 elements"),
        ('"a string"', "expected a JSON array of 5 elements"),
        ('["1","2","t","e"]', "expected a JSON array of 5 elements"),
        ('["1","2","t","e",{},{}]', "expected a JSON array of 5 elements"),
        ('[1,"2","t","e",{}]', "join_ref must be a string or null"),
        ('["1",2,"t","e",{}]', "ref must be a string or null"),
        ('["1","2",3,"e",{}]', "topic and event must be strings"),
        ('["1","2","t",null,{}]', "topic and event must be strings"),
    ],
)
def test_decode_rejects_malformed_frames(text: str, message: str) -> None:
    with pytest.raises(MalformedFrame, match=message):
        decode(text)


def test_malformed_frame_is_a_value_error() -> None:
    assert issubclass(MalformedFrame, ValueError)


def test_encode_is_compact_and_round_trips() -> None:
    payload = {"diff": {"0": "é", "1": [1, 2]}}
    text = encode("1", "2", "lv:phx-x", "diff", payload)
    assert " " not in text
    assert "é" in text  # not \u-escaped: fewer bytes on the wire
    assert decode(text) == ("1", "2", "lv:phx-x", "diff", payload)


def test_encode_with_payload_equals_encode() -> None:
    payload = {"diff": {"0": "6"}}
    spliced = encode_with_payload(None, None, "lv:phx-x", "diff", protocol.dumps(payload))
    assert spliced == encode(None, None, "lv:phx-x", "diff", payload)
    assert decode(spliced) == (None, None, "lv:phx-x", "diff", payload)


def test_reply_wraps_status_and_response() -> None:
    text = reply("4", "7", "lv:phx-x", protocol.STATUS_OK, {"diff": {}})
    assert decode(text) == (
        "4",
        "7",
        "lv:phx-x",
        protocol.PHX_REPLY,
        {"status": "ok", "response": {"diff": {}}},
    )


def test_counter_reply_frame_is_small() -> None:
    element_id = "phx-GBk3xZq1"
    assert len(element_id) == 12
    text = reply("4", "12", protocol.LV_TOPIC_PREFIX + element_id, "ok", {"diff": {"0": "6"}})
    assert json.loads(text)[4] == {"status": "ok", "response": {"diff": {"0": "6"}}}
    assert len(text.encode()) <= 96
