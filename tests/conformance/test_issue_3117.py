"""Phoenix LiveView issue 3117: a component's static part survives a live navigation.

Two rows, each a component with a static child, load a value concurrently;
after a live navigation to the same page the static children still show.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import page_errors, sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def test_static_parts_of_components_show_after_navigating(
    page: Any, demo_server: ServerProcess
) -> None:
    errors = page_errors(page)
    page.goto(demo_server.url + LAB + "3117/")
    sync_lv(page)
    page.locator("#navigate").click()
    page.wait_for_url("**/3117/?nav")
    sync_lv(page)
    for row in ("#row-1", "#row-2"):
        static = page.locator(f"{row} .static")
        static.wait_for()
        assert static.inner_text() == "static content"
    assert errors == []
