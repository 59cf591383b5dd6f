"""Hostile frames through the real socket, in-process: a clean close, nothing unhandled.

Regression for the review finding "decode catches only JSONDecodeError": the
socket must close with 1002 and log no unhandled exception.
"""

from __future__ import annotations

import json

import pytest
from django.core.asgi import get_asgi_application
from tests.fuzz.wire import ErrorLog, RawSocket

from tether import protocol
from tether.asgi import TetherASGI


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '["1","2","lv:phx-x","event",' + "[" * 5000 + "]" * 5000 + "]",
        '["1","2","lv:phx-x","event",' + "1" * 5000 + "]",
        '[null,"1","phoenix","heartbeat",{"n":NaN}]',
    ],
    ids=["deep-nesting", "deep-payload", "over-long-integer", "nan"],
)
async def test_hostile_json_closes_1002_and_logs_no_unhandled_exception(text: str) -> None:
    app = TetherASGI(get_asgi_application(), serve_static=False)
    with ErrorLog() as errors:
        socket = RawSocket(app)
        assert await socket.connect()
        await socket.send(text)
        assert await socket.wait_closed() == protocol.CLOSE_PROTOCOL_ERROR
        assert socket.close_reason.startswith("malformed frame")
        await socket.close()  # re-raises anything that escaped the app
    assert not errors.records, errors.describe()


async def test_a_lone_surrogate_echoed_in_a_reply_arrives_escaped_not_dropped() -> None:
    # Review finding 8: the reply to this frame echoes the ref, and encoding a
    # lone surrogate as UTF-8 killed the writer; the frame was lost silently.
    app = TetherASGI(get_asgi_application(), serve_static=False)
    with ErrorLog() as errors:
        socket = RawSocket(app)
        assert await socket.connect()
        await socket.send('["1","Z\\ud956","lv:phx-nothere","event",{}]')
        reply = await socket.receive()
        assert reply is not None and "\\ud956" in reply
        assert json.loads(reply)[1] == "Z\ud956"
        await socket.send('[null,"2","phoenix","heartbeat",{}]')
        assert await socket.receive() is not None  # the socket still serves
        await socket.close()
    assert not errors.records, errors.describe()
