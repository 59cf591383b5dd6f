"""Phoenix LiveView issue 3709: many patches at once, with a component whose id follows them.

Clicking every patch link at once queues diffs while navigation is pending;
none may break the component tree.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import console_lines, page_errors, sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def test_patches_racing_a_changing_component_leave_no_error(
    page: Any, demo_server: ServerProcess
) -> None:
    logs = console_lines(page)
    errors = page_errors(page)
    page.goto(demo_server.url + LAB + "3709/1/")
    sync_lv(page)
    assert "id: 1" in page.locator("body").inner_text()
    page.get_by_role("button", name="Break Stuff").click()
    sync_lv(page)
    page.get_by_role("link", name="Link 5", exact=True).click()
    sync_lv(page)
    page.wait_for_function("() => document.body.innerText.includes('id: 5')")
    assert not [line for line in logs if "Cannot" in line or "undefined" in line]
    assert errors == []
