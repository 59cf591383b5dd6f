"""Phoenix LiveView issue 3026: a component re-added while the client destroys it renders.

Submitting the form takes the component off the page; the view puts it back
shortly after (a slow load). Switching the status back and forth removes and
re-adds it quickly, racing the destroy handshake.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import page_errors, sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def test_a_component_racing_its_destruction_is_rendered_again(
    page: Any, demo_server: ServerProcess
) -> None:
    errors = page_errors(page)
    page.goto(demo_server.url + LAB + "3026/")
    sync_lv(page)
    name = page.locator("input[name='name']")
    name.wait_for()
    assert name.input_value() == "John"
    page.locator("button").click()
    sync_lv(page)
    name.wait_for()
    assert name.input_value() == "John"
    for _ in range(5):
        page.locator("select[name='status']").select_option("connecting")
        sync_lv(page)
        name.wait_for(state="hidden")
        page.locator("select[name='status']").select_option("loaded")
        sync_lv(page)
        name.wait_for(state="visible")
    assert errors == []
