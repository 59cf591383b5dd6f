"""Phoenix LiveView's keyed-comprehension.spec.js, re-expressed against a Tether page.

Two copies of a table, each a loop over rows holding a loop over columns, keyed
three ways (rows and cells by id, rows only, nothing): after every reshuffle the
rows the client patched must read in the order the server holds, which the page
also renders as one plain string (examples/demo/pages/keyed_lab.py). Phoenix's
spec shuffles ten times; the resizing, first-row and tab-switching scenarios use
the other buttons and links of the same page.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.lv import page_errors, sync_lv
from tether.testing import ServerProcess

LAB = "/templates/keyed/"
TABS = ["all_keyed", "rows_keyed", "no_keyed"]
COPIES = (1, 2)


def _rows(page: Any, copy: int) -> list[str]:
    return list(
        page.locator("table")
        .nth(copy - 1)
        .locator("tbody tr")
        .evaluate_all(
            """(rows) => rows.map((row) => Array.from(row.cells)
                .map((cell) => cell.textContent.replace(/\\s+/g, ' ').trim()).join(' | '))"""
        )
    )


def _assert_in_servers_order(page: Any, count: int) -> None:
    order = json.loads(page.locator("#order").text_content())
    for copy in COPIES:
        expected = [f"Count: {count} Name: {name} {copy} | {count}" for name in order]
        assert _rows(page, copy) == expected, f"copy {copy}"


def _open(page: Any, server: ServerProcess, tab: str) -> None:
    page.goto(f"{server.url}{LAB}?tab={tab}")
    sync_lv(page)
    assert page.locator("#active-tab").text_content() == tab


def _click(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    sync_lv(page)


def _resize(page: Any, size: int) -> None:
    page.locator("#size-form input").fill(str(size))
    sync_lv(page)


@pytest.mark.parametrize("tab", TABS)
def test_renders_correctly(page: Any, demo_server: ServerProcess, tab: str) -> None:
    errors = page_errors(page)
    _open(page, demo_server, tab)
    _assert_in_servers_order(page, count=0)
    for _ in range(10):
        _click(page, "randomize")
    _assert_in_servers_order(page, count=10)
    assert len(_rows(page, 1)) == 10
    assert errors == []


@pytest.mark.parametrize("tab", TABS)
def test_growing_shrinking_emptying_and_a_new_first_row_keep_the_servers_order(
    page: Any, demo_server: ServerProcess, tab: str
) -> None:
    errors = page_errors(page)
    _open(page, demo_server, tab)
    for count, size in enumerate((3, 15, 0, 12), start=1):
        _resize(page, size)
        _assert_in_servers_order(page, count)
        assert len(_rows(page, 2)) == size
    _click(page, "change first")
    _assert_in_servers_order(page, count=4)
    assert _rows(page, 1)[0].startswith("Count: 4 Name: First")
    _click(page, "change other")  # new entries that render the same
    _assert_in_servers_order(page, count=4)
    assert errors == []


def test_switching_tabs_by_live_patch_renders_the_same_rows_keyed_another_way(
    page: Any, demo_server: ServerProcess
) -> None:
    errors = page_errors(page)
    _open(page, demo_server, "all_keyed")
    page.evaluate("window.notReloaded = true")
    count = 0
    for tab in ("rows_keyed", "no_keyed", "all_keyed"):
        _click(page, "randomize")
        count += 1
        page.locator(f"#tab-{tab}").click()
        page.wait_for_function(
            "(tab) => document.querySelector('#active-tab').textContent === tab", arg=tab
        )
        sync_lv(page)
        assert page.url.endswith(f"?tab={tab}")
        _assert_in_servers_order(page, count)
        _click(page, "randomize")
        count += 1
        _assert_in_servers_order(page, count)
    assert page.evaluate("window.notReloaded") is True, "a live patch, not a page load"
    assert errors == []
