"""Phoenix LiveView issue 3047: a sticky view's stream is not cleared by live navigation.

The sticky view (rendered with ``sticky=True`` by both pages) streams ten
items and resets them to 5..15; navigating to the other page keeps them.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_views
from tether.testing import ServerProcess


def _items(page: Any) -> list[str]:
    return list(
        page.locator('[phx-update="stream"] > span').evaluate_all("(els) => els.map(e => e.id)")
    )


def test_streams_are_not_cleared_in_sticky_live_views(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + "/nested/lab/3047/a/")
    sync_views(page)
    assert page.locator("#page").text_content() == "Page A"
    assert _items(page) == [f"items-{n}" for n in range(1, 11)]
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("document.querySelector('#items > span').id === 'items-5'")
    sync_views(page)
    after_reset = [f"items-{n}" for n in range(5, 16)]
    assert _items(page) == after_reset
    page.get_by_role("link", name="Page B").click()
    page.wait_for_function("document.querySelector('#page').textContent === 'Page B'")
    sync_views(page)
    assert _items(page) == after_reset
