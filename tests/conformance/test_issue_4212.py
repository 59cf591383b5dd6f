"""Phoenix LiveView issue 4212: inserting at an index moves the row atomically.

The client reorders a row inserted with ``at`` through ``moveBefore`` where the
browser has it, so a custom element in that row sees a move, not a
disconnect and reconnect. Re-expressed against the demo's CustomElements page.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.lv import sync_lv
from tether.testing import ServerProcess


def test_insert_at_an_index_moves_the_row_without_disconnecting_it(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + "/streams/custom-elements/")
    sync_lv(page)
    if not page.evaluate("typeof Element.prototype.moveBefore === 'function'"):
        pytest.skip("this Chromium has no moveBefore")
    page.wait_for_function(
        "window.__lvCustomElLog.filter((e) => e.type === 'connected').length >= 3"
    )
    page.evaluate("window.__lvCustomElLog = []")
    page.click("#insert-at-1")
    sync_lv(page)
    events = [e for e in page.evaluate("window.__lvCustomElLog") if e["id"] == "el-new1"]
    assert {"type": "connected", "id": "el-new1"} in events
    assert {"type": "moved", "id": "el-new1"} in events
    assert not [e for e in events if e["type"] == "disconnected"]
    order = page.locator("#items > li").evaluate_all("(els) => els.map((el) => el.id)")
    assert order == ["items-a", "items-new1", "items-b", "items-c"]
