"""Phoenix LiveView issue 3681: a page's stream never resets a sticky view's stream of
the same name.

The sticky view streams three ``messages``; the "away" page defines its own
``messages`` stream twice (the second time with ``reset``). The sticky view's
three rows survive navigating there and back, and the away page's dead render
holds its own row once (the child never shares its parent's streams).
"""

from __future__ import annotations

import urllib.request
from typing import Any

from conformance.lv import sync_views
from tether.testing import ServerProcess

STICKY_ROWS = "() => document.querySelectorAll('#msgs-sticky > div').length"


def test_streams_in_nested_views_are_not_reset_when_they_share_a_name(
    page: Any, demo_server: ServerProcess
) -> None:
    with urllib.request.urlopen(demo_server.url + "/nested/lab/3681/away/") as response:
        assert response.read().decode().count('id="messages-4"') == 1
    page.goto(demo_server.url + "/nested/lab/3681/")
    sync_views(page)
    assert page.evaluate(STICKY_ROWS) == 3
    page.get_by_role("link", name="Go to a different LV with a (funcky) stream").click()
    page.get_by_role("heading", name="Normal Stream").wait_for()
    sync_views(page)
    assert page.evaluate(STICKY_ROWS) == 3
    assert page.locator("#msgs-normal > div").count() == 1
    page.get_by_role("link", name="Go back to (the now borked) LV without a stream").click()
    page.get_by_role("heading", name="Normal Stream").wait_for(state="detached")
    sync_views(page)
    assert page.evaluate(STICKY_ROWS) == 3
