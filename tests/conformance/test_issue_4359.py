"""Phoenix LiveView issue 4359: the parent navigates while its child is still joining.

The connected parent sends itself a message and, handling it, stays busy for
two seconds before ``push_navigate`` to ``?done=1``; the client is joining the
child meanwhile. The navigation lands, and the new page's child connects.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_views
from tether.testing import ServerProcess


def test_parent_navigation_succeeds_while_a_child_view_is_mounting(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + "/nested/lab/4359/")
    page.wait_for_url("**/nested/lab/4359/?done=1", timeout=10_000)
    sync_views(page)
    assert "child" in page.locator("#child").text_content()
    assert "phx-connected" in (page.locator("#child").get_attribute("class") or "")
