"""Phoenix LiveView issue 4066: an event pushed from a removed component is dropped.

A hook pushes to its component after a delay; the component is removed
before that. Nothing may crash, and the view does not remount.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def test_an_event_from_a_removed_component_does_not_crash_the_view(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + LAB + "4066/?delay=100")
    sync_lv(page)
    rendered_at = page.locator("#render-time").inner_text()
    page.locator("input").fill("123")
    page.locator("button").click()
    sync_lv(page)
    page.locator("input").wait_for(state="hidden")
    page.wait_for_selector("body[data-pushed=yes]")
    page.locator("button").click()
    sync_lv(page)
    page.locator("input").wait_for(state="visible")
    assert page.locator("#render-time").inner_text() == rendered_at
