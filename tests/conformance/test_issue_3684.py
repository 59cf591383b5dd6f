"""Phoenix LiveView issue 3684: rows of a loop inside a component patch correctly.

Radio buttons rendered by a loop in a component; clicking one changes the
component's state, and the new checked attribute reaches the page.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def test_a_click_in_a_components_loop_checks_the_radio(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + LAB + "3684/")
    sync_lv(page)
    assert page.locator("#dewey").get_attribute("checked") is None
    page.locator("#dewey").click()
    sync_lv(page)
    page.wait_for_function("() => document.querySelector('#dewey').hasAttribute('checked')")
    assert page.locator("#huey").get_attribute("checked") is None
