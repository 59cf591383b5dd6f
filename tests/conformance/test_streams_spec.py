"""Phoenix LiveView's streams.spec.js, re-expressed against Tether pages.

Each test is one scenario of the Phoenix end-to-end spec for streams, driven
in Chromium with the official client against the demo's stream pages
(examples/demo/pages/streams_lab.py). Scenarios that need live components or
nested live views, which Tether does not have, are not here.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from conformance.lv import children, ids, list_items, sync_lv
from tether.testing import ServerProcess

CHRIS_CALLAN = [{"id": "users-1", "text": "chris"}, {"id": "users-2", "text": "callan"}]
ABCD = [{"id": f"items-{c.lower()}", "text": c} for c in "ABCD"]


def _open(page: Any, server: ServerProcess, path: str) -> None:
    page.goto(server.url + path)
    sync_lv(page)


def _click(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    sync_lv(page)


def _row_click(page: Any, row: str, name: str) -> None:
    page.locator(f"#{row}").get_by_role("button", name=name).click()
    sync_lv(page)


def test_renders_properly(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/users/")
    assert children(page, "users") == CHRIS_CALLAN
    assert children(page, "admins") == [
        {"id": "admins-1", "text": "chris-admin"},
        {"id": "admins-2", "text": "callan-admin"},
    ]


def test_elements_can_be_updated_and_deleted(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/users/")
    _row_click(page, "users-1", "update")
    assert children(page, "users") == [
        {"id": "users-1", "text": "updated"},
        {"id": "users-2", "text": "callan"},
    ]
    assert ids(children(page, "admins")) == ["admins-1", "admins-2"]
    _row_click(page, "users-2", "update")
    assert [r["text"] for r in children(page, "users")] == ["updated", "updated"]
    _row_click(page, "users-1", "delete")
    assert children(page, "users") == [{"id": "users-2", "text": "updated"}]


def test_move_to_first_moves_the_second_element_first(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server, "/streams/users/")
    _row_click(page, "users-2", "make first")
    assert children(page, "users") == [
        {"id": "users-2", "text": "updated"},
        {"id": "users-1", "text": "chris"},
    ]


def test_stream_reset_removes_items(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/users/")
    assert children(page, "users") == CHRIS_CALLAN
    _click(page, "Reset users")
    assert children(page, "users") == []


def test_stream_reset_reorders_items_and_updates_attributes(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server, "/streams/users/")
    assert page.locator("#users-1").get_attribute("data-count") == "0"
    _click(page, "Reorder users")
    assert children(page, "users") == [
        {"id": "users-3", "text": "peter"},
        {"id": "users-1", "text": "chris"},
        {"id": "users-4", "text": "mona"},
    ]
    for row in ("users-1", "users-3", "users-4"):
        assert page.locator(f"#{row}").get_attribute("data-count") == "1"


def test_stream_reset_works_when_patching(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/healthy/fruits/")
    items = page.locator("ul")
    assert "Apples" in items.inner_text() and "Oranges" in items.inner_text()
    page.get_by_role("link", name="Switch").click()
    page.wait_for_url(re.compile(r"/streams/healthy/veggies/$"))
    sync_lv(page)
    page.wait_for_function("document.querySelector('h1').textContent === 'Veggies'")
    text = items.inner_text()
    assert "Carrots" in text and "Tomatoes" in text and "Apples" not in text
    page.get_by_role("link", name="Switch").click()
    page.wait_for_url(re.compile(r"/streams/healthy/fruits/$"))
    sync_lv(page)
    page.wait_for_function("document.querySelector('h1').textContent === 'Fruits'")
    text = items.inner_text()
    assert "Apples" in text and "Oranges" in text and "Carrots" not in text


def test_can_filter_and_reset_a_stream(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/reset/")
    assert list_items(page) == ABCD
    _click(page, "Filter")
    assert list_items(page) == ABCD[1:]
    _click(page, "Reset")
    assert list_items(page) == ABCD


def test_can_reorder_a_stream(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/reset/")
    _click(page, "Reorder")
    assert list_items(page) == [ABCD[1], ABCD[0], ABCD[2], ABCD[3]]


def test_can_filter_then_prepend_and_append(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/reset/")
    _click(page, "Filter")
    _click(page, "Prepend")
    shown = list_items(page)
    assert re.fullmatch(r"items-a\d+", shown[0]["id"]) and shown[1:] == ABCD[1:]
    _click(page, "Reset")
    assert list_items(page) == ABCD
    _click(page, "Append")
    shown = list_items(page)
    assert shown[:4] == ABCD and re.fullmatch(r"items-a\d+", shown[4]["id"])


def test_can_bulk_insert_items_at_an_index(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/reset/")
    _click(page, "Bulk insert")
    assert [r["text"] for r in list_items(page)] == list("AEFGBCD")


def test_limit_is_enforced_on_mount_but_not_in_the_dead_render(
    page: Any, demo_server: ServerProcess
) -> None:
    html = httpx.get(demo_server.url + "/streams/limit/").text
    for n in range(1, 11):
        assert f'id="items-{n}"' in html
    _open(page, demo_server, "/streams/limit/")
    assert [r["text"] for r in list_items(page)] == ["6", "7", "8", "9", "10"]


def _configure(page: Any, at: str, limit: str) -> None:
    page.locator("input[name='at']").fill(at)
    page.locator("input[name='limit']").fill(limit)
    _click(page, "recreate stream")


def _texts(page: Any) -> list[str]:
    return [r["text"] for r in list_items(page)]


def test_appending_with_a_negative_limit_removes_from_the_front(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server, "/streams/limit/")
    assert page.locator("input[name='at']").input_value() == "-1"
    assert page.locator("input[name='limit']").input_value() == "-5"
    _click(page, "add 1")
    assert _texts(page) == ["7", "8", "9", "10", "11"]
    _click(page, "add 10")
    assert _texts(page) == ["17", "18", "19", "20", "21"]


def test_prepending_with_a_positive_limit_removes_from_the_back(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server, "/streams/limit/")
    _configure(page, "0", "5")
    assert _texts(page) == ["10", "9", "8", "7", "6"]
    _click(page, "add 1")
    assert _texts(page) == ["11", "10", "9", "8", "7"]
    _click(page, "add 10")
    assert _texts(page) == ["21", "20", "19", "18", "17"]


def test_appending_does_nothing_once_a_positive_limit_is_reached(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server, "/streams/limit/")
    _configure(page, "-1", "5")
    _click(page, "clear")
    assert _texts(page) == []
    for n in range(1, 6):
        _click(page, "add 1")
        assert _texts(page) == [str(i) for i in range(1, n + 1)]
    _click(page, "add 1")
    _click(page, "add 10")
    assert _texts(page) == ["1", "2", "3", "4", "5"]


def test_prepending_does_nothing_once_a_negative_limit_is_reached(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server, "/streams/limit/")
    _configure(page, "0", "-5")
    _click(page, "clear")
    for n in range(1, 6):
        _click(page, "add 1")
        assert _texts(page) == [str(i) for i in range(n, 0, -1)]
    _click(page, "add 1")
    _click(page, "add 10")
    assert _texts(page) == ["5", "4", "3", "2", "1"]


def test_limit_with_an_arbitrary_index(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/limit/")
    _configure(page, "1", "5")
    assert _texts(page) == ["1", "10", "9", "8", "7"]
    _click(page, "add 10")
    assert _texts(page) == ["1", "20", "19", "18", "17"]
    _configure(page, "1", "-5")
    assert _texts(page) == ["10", "5", "4", "3", "2"]
    _click(page, "add 10")
    assert _texts(page) == ["20", "5", "4", "3", "2"]


def test_inserting_rows_already_shown_does_not_reorder(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server, "/streams/reset/")
    for name in ("Prepend C", "Append C", "Insert C at 1"):
        _click(page, name)
        assert list_items(page) == ABCD
    _click(page, "Insert at 1")
    shown = list_items(page)
    assert shown[0] == ABCD[0] and shown[2:] == ABCD[1:]
    assert re.fullmatch(r"items-a\d+", shown[1]["id"])
    _click(page, "Reset")
    assert list_items(page) == ABCD
    _click(page, "Delete C and insert at 1")
    assert list_items(page) == [ABCD[0], ABCD[2], ABCD[1], ABCD[3]]


def test_phx_remove_is_handled_when_restoring_nodes(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/reset/?phx-remove")
    _click(page, "Filter")
    page.wait_for_selector("#items-a", state="detached")
    assert list_items(page) == ABCD[1:]
    _click(page, "Reset")
    assert list_items(page) == ABCD


def test_non_stream_items_with_an_id_stay_in_the_container(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server, "/streams/users/?empty_item")
    assert children(page, "users") == [*CHRIS_CALLAN, {"id": "users-empty", "text": "Empty!"}]
    assert not page.get_by_text("Empty!").is_visible()
    _click(page, "Reset users")
    page.get_by_text("Empty!").wait_for(state="visible")
    assert children(page, "users") == [{"id": "users-empty", "text": "Empty!"}]
    _click(page, "Append users")
    page.get_by_text("Empty!").wait_for(state="hidden")
    assert children(page, "users") == [
        {"id": "users-4", "text": "foo"},
        {"id": "users-3", "text": "last_user"},
        {"id": "users-empty", "text": "Empty!"},
    ]


def test_js_commands_are_applied_again_when_rejoining(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server, "/streams/users/")
    assert children(page, "users") == CHRIS_CALLAN
    page.locator("#users-1").get_by_role("button", name="JS Hide").click()
    page.locator("#users-1").wait_for(state="hidden")
    page.evaluate("() => new Promise((resolve) => window.liveSocket.disconnect(resolve))")
    page.evaluate("() => window.liveSocket.connect()")
    sync_lv(page)
    assert ids(children(page, "users")) == ["users-1", "users-2"]
    assert not page.locator("#users-1").is_visible()


def test_update_only(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/reset/")
    _click(page, "Add E (update only)")
    assert list_items(page) == ABCD
    _click(page, "Update C (update only)")
    shown = list_items(page)
    assert ids(shown) == ids(ABCD)
    assert re.fullmatch(r"C \d+", shown[2]["text"])


def test_empty_text_nodes_are_pruned(page: Any, demo_server: ServerProcess) -> None:
    _open(page, demo_server, "/streams/limit/")
    count = "() => document.getElementById('items').innerHTML.split('\\n').length"
    before = page.evaluate(count)
    for _ in range(10):
        page.get_by_role("button", name="add 10").click()
    sync_lv(page)
    assert page.evaluate(count) == before
