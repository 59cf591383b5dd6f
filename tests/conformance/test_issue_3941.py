"""Phoenix LiveView issue 3941: component-only patches apply while a hook's event waits.

Each item is a component whose root has a hook pushing an event when it
mounts, and whose header is a component loading a value concurrently.
Unchecking and checking items removes and re-adds them.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def _loaded(page: Any, item: str) -> None:
    page.wait_for_function(
        "(id) => { const e = document.getElementById(id);"
        " return !!e && e.textContent.includes('I AM LOADED'); }",
        arg=item,
    )


def test_items_load_and_come_back_after_being_unchecked(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + LAB + "3941/")
    sync_lv(page)
    _loaded(page, "Item_1")
    _loaded(page, "Item_2")
    page.locator("#select-Item_1").uncheck()
    page.locator("#select-Item_2").uncheck()
    page.locator("#Item_1").wait_for(state="detached")
    page.locator("#Item_2").wait_for(state="detached")
    page.locator("#select-Item_1").check()
    _loaded(page, "Item_1")
    assert page.locator("#Item_2").count() == 0
    page.locator("#select-Item_2").check()
    _loaded(page, "Item_2")
    _loaded(page, "Item_1")
