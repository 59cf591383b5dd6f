"""Phoenix LiveView issue 3169: components re-added by updates render their whole subtree.

A component loads a record by sending an update to itself; the record's form
column is a new component each time (its id follows the record), three deep.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def input_values(page: Any) -> list[str]:
    return list(page.locator('input[type="text"]').evaluate_all("(l) => l.map((i) => i.value)"))


def test_each_selection_renders_the_nested_components_with_its_record(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + LAB + "3169/")
    sync_lv(page)
    for name in ("a", "b", "z"):
        page.locator(f"#select-{name}").click()
        sync_lv(page)
        page.wait_for_function(
            "(v) => [...document.querySelectorAll('input[type=text]')].length === 3 &&"
            " [...document.querySelectorAll('input[type=text]')].every((i) => i.value === v)",
            arg=f"Record {name}",
        )
        assert "FormColumn (c3)" in page.locator("body").inner_text()
        assert input_values(page) == [f"Record {name}"] * 3
