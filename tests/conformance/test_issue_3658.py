"""Phoenix LiveView issue 3658: ``phx-remove`` elements inside a sticky view stay on
live navigation.

The page's view is replaced by the navigation; the sticky view is not, so its
``#foo`` (which has a ``phx-remove`` command) must still be there afterwards.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_views
from tether.testing import ServerProcess


def test_phx_remove_elements_inside_sticky_views_stay_when_navigating(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + "/nested/lab/3658/")
    sync_views(page)
    assert page.locator("#foo").is_visible()
    page.get_by_role("link", name="Link 1").click()
    page.wait_for_function("document.querySelector('#navigated').textContent === 'true'")
    sync_views(page)
    page.wait_for_timeout(200)  # a wrongly run removal would have taken the element by now
    assert page.locator("#foo").is_visible()
