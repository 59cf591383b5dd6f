"""Phoenix LiveView issue 3199: a stream row's phx-remove transition runs when it leaves.

Re-expressed against examples/demo's RemoveTransition page. Phoenix's third
scenario sets a LiveSocket option per page (cascadePhxRemoveOnNavigation),
which tether.js does not expose, so it is not here.
"""

from __future__ import annotations

import re
from typing import Any

from conformance.lv import sync_lv
from tether.testing import ServerProcess


def test_a_deleted_row_runs_its_remove_transition(page: Any, demo_server: ServerProcess) -> None:
    page.goto(demo_server.url + "/streams/remove/")
    sync_lv(page)
    item = page.locator("#items-1")
    item.get_by_role("button", name="Delete").click()
    page.wait_for_selector("#items-1.item-removing")
    item.wait_for(state="detached")
    assert page.locator("#items-2").count() == 1


def test_live_navigation_runs_the_rows_transitions(page: Any, demo_server: ServerProcess) -> None:
    page.goto(demo_server.url + "/streams/remove/")
    sync_lv(page)
    page.get_by_role("link", name="Navigate away").click()
    page.wait_for_function("document.querySelectorAll('#items > li.item-removing').length === 2")
    assert page.get_by_role("heading", name="Items").is_visible()
    page.get_by_role("heading", name="Away").wait_for()
    assert re.search(r"/streams/remove/away/$", page.url)
    sync_lv(page)
