"""Phoenix LiveView issue 3200: a form targeting a component by selector is recovered.

After a live patch to the messages tab, text typed into a component's form
(phx-target is a CSS selector) comes back after the socket reconnects.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import page_errors, sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def test_form_recovery_reaches_the_component_a_selector_targets(
    page: Any, demo_server: ServerProcess
) -> None:
    errors = page_errors(page)
    page.goto(demo_server.url + LAB + "3200/settings/")
    sync_lv(page)
    page.get_by_role("link", name="Messages").click()
    sync_lv(page)
    page.wait_for_url("**/3200/messages/")
    page.locator("#new_message_input").fill("Hello")
    sync_lv(page)
    page.evaluate("() => new Promise((resolve) => window.liveSocket.disconnect(resolve))")
    page.wait_for_selector(".phx-loading")
    assert page.locator(".phx-loading").count() == 1
    page.evaluate("() => window.liveSocket.connect()")
    sync_lv(page)
    assert page.locator("#new_message_input").input_value() == "Hello"
    assert errors == []
