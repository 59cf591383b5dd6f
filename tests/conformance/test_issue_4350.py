"""Phoenix LiveView issue 4350: a revived component revives what it contains.

A branch component holds a leaf component that change tracking never
re-renders. Both leave the page; while the client's ``cids_destroyed`` is
held back, the branch comes back. Once the held message lands, the leaf
must still be alive: the same cid, still taking events.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from conformance.lv import sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def _wait(condition: Any, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def test_a_revived_component_keeps_the_component_inside_it(
    page: Any, demo_server: ServerProcess
) -> None:
    held: list[tuple[Any, str]] = []
    state: dict[str, Any] = {"ref": None, "answered": False, "release": False}

    def route(ws: Any) -> None:
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            if isinstance(message, str) and "cids_destroyed" in message and not state["release"]:
                state["ref"] = json.loads(message)[1]
                held.append((server, message))
                return
            server.send(message)

        def from_server(message: str | bytes) -> None:
            if isinstance(message, str) and state["ref"] is not None:
                if json.loads(message)[1] == state["ref"]:
                    state["answered"] = True
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    page.route_web_socket(re.compile(r".*/live/websocket.*"), route)
    page.goto(demo_server.url + LAB + "4350/")
    sync_lv(page)
    page.locator("#bump").click()
    page.wait_for_function("() => document.querySelector('#leaf-count').textContent === '1'")
    page.locator("#tick").click()
    sync_lv(page)
    page.wait_for_function(
        "() => document.querySelector('#branch').textContent.includes('tick: 1')"
    )
    leaf_cid = page.locator("#leaf").get_attribute("data-phx-component")
    page.locator("#hide").click()
    page.locator("#wrapper").wait_for(state="detached")
    _wait(lambda: bool(held) or page.wait_for_timeout(20), "cids_destroyed sent")
    page.locator("#show").click()
    page.locator("#wrapper").wait_for()
    sync_lv(page)
    state["release"] = True
    server, message = held[0]
    server.send(message)
    _wait(lambda: state["answered"] or page.wait_for_timeout(20), "cids_destroyed answered")
    assert page.locator("#leaf").get_attribute("data-phx-component") == leaf_cid
    page.locator("#bump").click()
    page.wait_for_function("() => document.querySelector('#leaf-count').textContent === '2'")
