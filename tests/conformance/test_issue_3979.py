"""Phoenix LiveView issue 3979: updates reach components whose root id changed.

Each bump changes one component's DOM id and, a moment later, sends it an
update; after ten bumps every component shows the update.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import page_errors, sync_lv
from tether.testing import ServerProcess

LAB = "/components/lab/"


def test_send_update_reaches_every_component_after_its_id_changed(
    page: Any, demo_server: ServerProcess
) -> None:
    errors = page_errors(page)
    page.goto(demo_server.url + LAB + "3979/")
    sync_lv(page)
    bump = page.get_by_role("button", name="Bump ID (and counter)")
    for _ in range(10):
        bump.click()
        sync_lv(page)
    for cid in range(1, 11):
        page.wait_for_function(
            "(c) => { const e = document.querySelector('[data-phx-component=\"' + c + '\"]');"
            " return !!e && e.textContent.trim() === '10'; }",
            arg=cid,
        )
    assert errors == []
