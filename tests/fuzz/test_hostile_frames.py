"""Hostile frames through the real socket, in-process: a clean close, nothing unhandled.

Regression for the review finding "decode catches only JSONDecodeError": the
socket must close with 1002 and log no unhandled exception.
"""

from __future__ import annotations

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
