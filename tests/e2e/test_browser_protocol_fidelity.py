"""What the official client sends and expects, checked in Chromium (review findings 14, 15)."""

from __future__ import annotations

import json
from typing import Any

from tether.testing import ServerProcess

CONNECTED = "[data-phx-main].phx-connected"


def test_target_of_a_form_change_reaches_the_handler(page: Any, demo_server: ServerProcess) -> None:
    # Client 1.2.12 sends meta {"_target": "subject"} (a string); it used to be dropped.
    page.goto(demo_server.url + "/feedback/")
    page.wait_for_selector(CONNECTED)
    page.fill("#subject", "Hello")
    page.wait_for_function("document.querySelector('#changed')?.textContent === 'subject'")
    page.fill("textarea[name=message]", "hi")
    page.wait_for_function("document.querySelector('#changed').textContent === 'message'")


def test_live_navigation_closes_the_old_channel_with_phx_close(
    page: Any, demo_server: ServerProcess
) -> None:
    received: list[list[Any]] = []
    sockets: list[Any] = []

    def watch(ws: Any) -> None:
        sockets.append(ws)
        ws.on("framereceived", lambda payload: received.append(json.loads(payload)))

    page.on("websocket", watch)
    page.goto(demo_server.url + "/counter/")
    page.wait_for_selector(CONNECTED)
    old_topic = "lv:" + page.get_attribute("[data-phx-main]", "id")
    page.click("#to-clock")
    page.wait_for_url("**/clock/")
    page.wait_for_selector(CONNECTED)
    closes = [f for f in received if f[2] == old_topic and f[3] == "phx_close"]
    for _ in range(50):
        if closes:
            break
        page.wait_for_timeout(100)
        closes = [f for f in received if f[2] == old_topic and f[3] == "phx_close"]
    assert closes, [f[2:4] for f in received]
    assert closes[0][0] == closes[0][1]  # sent on the channel's join ref, as Phoenix does
    assert page.locator("#now").count() == 1  # the clock is live on the page
    assert len(sockets) == 1  # live navigation: the new view joined over the same socket
