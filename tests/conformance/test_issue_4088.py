"""Phoenix LiveView issue 4088: a component patched while its root is locked.

A hook on the component's root pushes three events to the component as it
mounts; each changes the component while the root waits for replies.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import page_errors, sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def test_a_locked_component_root_is_patched_without_errors(
    page: Any, demo_server: ServerProcess
) -> None:
    errors = page_errors(page)
    page.goto(demo_server.url + LAB + "4088/")
    sync_lv(page)
    page.wait_for_function("() => document.querySelector('#foo').textContent.trim() !== 'value'")
    sync_lv(page)
    assert errors == []
