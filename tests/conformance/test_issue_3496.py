"""Phoenix LiveView issue 3496: a hook is set up again when an element id moves from a
sticky view to the next page.

Page A renders a sticky view holding ``#my-component`` (``phx-hook="MyHook"``);
page B has no sticky view and its own ``#my-component``. After live navigation
from A to B the hook has been mounted twice, with no error.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import console_lines, page_errors, sync_views
from tether.testing import ServerProcess


def test_hook_is_initialized_when_an_id_moves_from_a_sticky_view(
    page: Any, demo_server: ServerProcess
) -> None:
    logs = console_lines(page)
    errors = page_errors(page)
    page.goto(demo_server.url + "/nested/lab/3496/a/")
    sync_views(page)
    page.get_by_role("link", name="Go to page B").click()
    page.get_by_role("heading", name="Page B").wait_for()
    sync_views(page)
    page.wait_for_function("() => !document.querySelector('#sticky')")
    page.wait_for_timeout(100)  # the last console line may still be on its way
    assert len([line for line in logs if "Hook mounted!" in line]) == 2, logs
    assert not [line for line in logs if "no hook found for custom element" in line]
    assert errors == []
