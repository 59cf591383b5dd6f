"""Phoenix LiveView issue 4027: keyed rows inside a component merge correctly.

The rows come from an async load, handed to the component either as the
loaded list or as the async result itself; removing the first row leaves two.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.lv import page_errors, sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


@pytest.mark.parametrize("case", ["first", "second"])
def test_keyed_rows_in_a_component_follow_the_data(
    page: Any, demo_server: ServerProcess, case: str
) -> None:
    errors = page_errors(page)
    page.goto(demo_server.url + LAB + f"4027/?case={case}")
    sync_lv(page)
    page.get_by_role("button", name="Load data").click()
    page.wait_for_function("() => document.querySelectorAll('#result p').length === 3")
    page.get_by_role("button", name="Remove first entry").click()
    page.wait_for_function("() => document.querySelectorAll('#result p').length === 2")
    text = page.locator("#result").inner_text()
    assert "First" not in text
    assert "Second" in text and "Third" in text
    assert errors == []
