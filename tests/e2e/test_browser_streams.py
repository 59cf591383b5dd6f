"""Streams in Chromium with the official client: inserts, updates, deletes, resets, limits."""

from __future__ import annotations

from typing import Any

from conformance.lv import children, ids, list_items, sync_lv
from tether.testing import ServerProcess

# The most children #items held after any patch since the page connected.
WATCH_MAX = """(selector) => {
  const el = document.querySelector(selector);
  window.__most = el.children.length;
  new MutationObserver(() => {
    window.__most = Math.max(window.__most, el.children.length);
  }).observe(el, {childList: true});
}"""


def test_rows_are_inserted_at_the_start_and_the_end(page: Any, demo_server: ServerProcess) -> None:
    page.goto(demo_server.url + "/streams/reset/")
    sync_lv(page)
    page.click("#prepend")
    sync_lv(page)
    page.click("#append")
    sync_lv(page)
    shown = ids(list_items(page))
    assert shown[1:5] == ["items-a", "items-b", "items-c", "items-d"]
    assert shown[0].startswith("items-a") and shown[5].startswith("items-a") and len(shown) == 6


def test_rows_update_in_place_delete_and_reset(page: Any, demo_server: ServerProcess) -> None:
    page.goto(demo_server.url + "/streams/users/")
    sync_lv(page)
    page.locator("#users-1").get_by_role("button", name="update").click()
    sync_lv(page)
    assert children(page, "users") == [
        {"id": "users-1", "text": "updated"},
        {"id": "users-2", "text": "callan"},
    ]
    page.locator("#users-2").get_by_role("button", name="delete").click()
    sync_lv(page)
    assert ids(children(page, "users")) == ["users-1"]
    page.click("#reorder-users")
    sync_lv(page)
    assert ids(children(page, "users")) == ["users-3", "users-1", "users-4"]
    page.click("#reset-users")
    sync_lv(page)
    assert children(page, "users") == []


def test_the_dom_never_holds_more_rows_than_the_limit(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + "/streams/limit/")
    sync_lv(page)
    page.evaluate(WATCH_MAX, "#items")
    for button in ("#add-1", "#add-10", "#add-1", "#add-10"):
        page.click(button)
        sync_lv(page)
        assert page.locator("#items > li").count() == 5
    assert [row["text"] for row in list_items(page)] == ["28", "29", "30", "31", "32"]
    assert page.evaluate("window.__most") <= 5


def test_scrolling_down_loads_further_pages_and_keeps_the_dom_bounded(
    page: Any, demo_server: ServerProcess
) -> None:
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(demo_server.url + "/streams/scroll/")
    sync_lv(page)
    page.evaluate(WATCH_MAX, "#rows")
    assert page.locator("#rows > tr").count() == 50
    for last in (100, 150, 200, 250):
        page.locator("#rows > tr").last.scroll_into_view_if_needed()
        page.mouse.wheel(0, 400)
        page.wait_for_selector(f"#rows-{last}", state="attached")
        sync_lv(page)
    assert page.locator("#rows > tr").count() == 150
    assert page.locator("#rows > tr").first.get_attribute("id") == "rows-101"
    assert page.text_content("#window") == "Showing pages 3 to 5."
    assert page.evaluate("window.__most") <= 150


def test_scrolling_back_up_loads_the_pages_above(page: Any, demo_server: ServerProcess) -> None:
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(demo_server.url + "/streams/scroll/")
    sync_lv(page)
    for last in (100, 150, 200, 250):
        page.locator("#rows > tr").last.scroll_into_view_if_needed()
        page.mouse.wheel(0, 400)
        page.wait_for_selector(f"#rows-{last}", state="attached")
        sync_lv(page)
    # The client throttles viewport events (500 ms) and may send one marked
    # "_overran" when the top row passes too fast: scroll up until page 1 is back.
    for _ in range(10):
        if page.locator("#rows-1").count():
            break
        page.locator("#rows > tr").first.scroll_into_view_if_needed()
        page.mouse.wheel(0, -300)
        page.wait_for_timeout(600)
        sync_lv(page)
    assert page.locator("#rows-1").count() == 1
    assert page.locator("#rows > tr").count() == 150
    assert page.locator("#rows > tr").last.get_attribute("id") == "rows-150"
    assert page.text_content("#window") == "Showing pages 1 to 3."
