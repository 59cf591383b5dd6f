"""Phoenix LiveView issue 3612: a sticky view stays connected when it navigates.

Both pages render the same sticky view, whose links run events that answer
with ``push_navigate``; going A -> B -> A works each time.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_views
from tether.testing import ServerProcess


def _heading_is(page: Any, text: str) -> None:
    page.wait_for_function("(t) => document.querySelector('h1')?.textContent === t", arg=text)


def test_sticky_live_view_stays_connected_when_using_push_navigate(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + "/nested/lab/3612/a/")
    sync_views(page)
    assert page.locator("h1").text_content() == "Page A"
    page.get_by_role("link", name="Go to page B").click()
    _heading_is(page, "Page B")
    sync_views(page)
    assert page.url.endswith("/nested/lab/3612/b/")
    page.get_by_role("link", name="Go to page A").click()
    _heading_is(page, "Page A")
    sync_views(page)
    assert page.url.endswith("/nested/lab/3612/a/")
