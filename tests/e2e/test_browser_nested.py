"""Nested and sticky live views in real Chromium (the official client), against the demo."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

from tether import protocol
from tether.testing import ServerProcess, pushes
from tether.testing.page import DeadPage

HOME = "/nested/"


def _connected(page: Any, selector: str) -> None:
    page.wait_for_selector(f"{selector}.phx-connected")


def _text_is(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.textContent === text",
        arg=[selector, text],
    )


def test_a_child_renders_dead_and_connected(page: Any, demo_server: ServerProcess) -> None:
    with urllib.request.urlopen(demo_server.url + HOME) as response:
        dead = response.read().decode()
    assert 'id="bell"' in dead and "No notifications" in dead  # in the HTML, before any script
    page.goto(demo_server.url + HOME)
    _connected(page, "[data-phx-main]")
    _connected(page, "#bell")
    _connected(page, "#player")
    assert "No notifications" in page.text_content("#bell")
    page.click("#bell-inc")
    _text_is(page, "#bell-seen", "1")


def test_a_childs_events_reach_the_child_only(page: Any, demo_server: ServerProcess) -> None:
    page.goto(demo_server.url + HOME)
    _connected(page, "#bell")
    page.click("#bell-inc")
    page.click("#bell-inc")
    _text_is(page, "#bell-seen", "2")
    assert page.text_content("#page-count") == "0"  # the page has an `inc` too: it saw none
    page.click("#page-inc")
    _text_is(page, "#page-count", "1")
    assert page.text_content("#bell-seen") == "2"


def test_a_crash_in_the_child_leaves_the_parent_working(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + HOME)
    _connected(page, "#bell")
    page.click("#page-inc")
    page.click("#bell-inc")
    _text_is(page, "#page-count", "1")
    _text_is(page, "#bell-seen", "1")
    page.click("#bell-boom")
    # The demo runs with DEBUG: the crash's traceback covers the page until closed.
    page.click("#tether-overlay button")
    # The client rejoins the crashed child: it mounts afresh...
    _text_is(page, "#bell-seen", "0")
    _connected(page, "#bell")
    # ...while the page kept its state and keeps taking events.
    assert page.text_content("#page-count") == "1"
    page.click("#page-inc")
    _text_is(page, "#page-count", "2")
    page.click("#bell-inc")
    _text_is(page, "#bell-seen", "1")


def test_a_sticky_child_keeps_its_state_across_live_navigation(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + HOME)
    _connected(page, "#player")
    for _ in range(3):
        page.click("#like")
    _text_is(page, "#likes", "3")
    page.evaluate("window.__samePage = true")  # gone if the page were loaded again
    elapsed = int(page.text_content("#elapsed"))
    page.click("#to-queue")
    _text_is(page, "#page-title", "Up next")
    assert page.url.endswith("/nested/queue/")
    assert page.evaluate("window.__samePage") is True, "live navigation must not reload"
    _connected(page, "#player")
    assert page.text_content("#likes") == "3"
    assert int(page.text_content("#elapsed")) >= elapsed  # still playing: not remounted
    page.click("#like")
    _text_is(page, "#likes", "4")
    page.click("#to-home")
    _text_is(page, "#page-title", "Home")
    assert page.text_content("#likes") == "4"
    # The page's non-sticky bell came back with the page, connected and working.
    _connected(page, "#bell")
    page.click("#bell-inc")
    _text_is(page, "#bell-seen", "1")


def test_a_page_resumes_with_every_childs_state_after_a_restart(
    page: Any, server_factory: Any, tmp_path: Path
) -> None:
    server = server_factory(TETHER_CACHE_DIR=str(tmp_path / "cache"))
    page.goto(server.url + HOME)
    _connected(page, "#bell")
    _connected(page, "#player")
    page.click("#page-inc")
    page.click("#bell-inc")
    page.click("#bell-inc")
    for _ in range(3):
        page.click("#like")
    _text_is(page, "#page-count", "1")
    _text_is(page, "#bell-seen", "2")
    _text_is(page, "#likes", "3")
    server.stop()  # SIGTERM: the page and each child are frozen to the file cache
    page.wait_for_selector("#player.phx-connected", state="detached")
    server.start()
    _connected(page, "[data-phx-main]")
    _connected(page, "#bell")
    _connected(page, "#player")
    assert page.text_content("#page-count") == "1"
    assert page.text_content("#bell-seen") == "2"
    assert page.text_content("#likes") == "3"
    page.click("#bell-inc")
    _text_is(page, "#bell-seen", "3")


def _shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    return type(value).__name__


def test_tether_testing_joins_a_child_as_the_browser_does(
    page: Any, demo_server: ServerProcess
) -> None:
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda text: sent.append(str(text))))
    page.goto(demo_server.url + HOME)
    _connected(page, "#bell")
    _connected(page, "#player")
    joins = {
        frame[2]: frame[4]
        for frame in map(json.loads, sent)
        if frame[3] == protocol.PHX_JOIN and frame[2] in ("lv:bell", "lv:player")
    }
    dead = DeadPage(url="", element_id="bell", session="t", static="s", csrf="c", title="")
    ours = pushes.child_join(dead, mounts=0, sticky=False)
    assert _shape(ours) == _shape(joins["lv:bell"])
    assert protocol.URL not in joins["lv:bell"] and protocol.URL not in joins["lv:player"]
    assert joins["lv:bell"][protocol.STICKY] is False
    assert joins["lv:player"][protocol.STICKY] is True
