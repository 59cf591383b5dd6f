"""Phoenix LiveView issue 4121: a stream teleported out of the live view can be reset.

The stream's container sits in a portal template the client moves to
``<body>``; a reset must still find and remove its rows there.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import children, sync_lv
from tether.testing import ServerProcess


def test_a_teleported_stream_can_be_reset(page: Any, demo_server: ServerProcess) -> None:
    page.goto(demo_server.url + "/streams/teleported/")
    sync_lv(page)
    page.wait_for_selector("#stream-in-lv > li")
    assert children(page, "stream-in-lv") == [
        {"id": "items-1", "text": "Item 1"},
        {"id": "items-2", "text": "Item 2"},
    ]
    page.locator("button").click()
    sync_lv(page)
    page.wait_for_function("document.querySelectorAll('#stream-in-lv > li').length === 1")
    assert len(children(page, "stream-in-lv")) == 1
