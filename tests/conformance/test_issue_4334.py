"""Phoenix LiveView issue 4334: a component whose root changes id keeps its new children.

The root element carries a hook; changing its id remounts the hook, and the
children rendered with the new id stay visible.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import console_lines, sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def test_a_new_root_id_remounts_the_hook_and_shows_the_new_children(
    page: Any, demo_server: ServerProcess
) -> None:
    logs = console_lines(page)
    page.goto(demo_server.url + LAB + "4334/")
    sync_lv(page)
    assert [line for line in logs if "RootChange hook" in line] == ["RootChange hook mounted"]
    page.get_by_role("button", name="Change component root ID").click()
    sync_lv(page)
    page.get_by_text("NEW CHILD SHOULD REMAIN VISIBLE").wait_for()
    assert [line for line in logs if "RootChange hook" in line] == [
        "RootChange hook mounted",
        "RootChange hook mounted",
    ]
