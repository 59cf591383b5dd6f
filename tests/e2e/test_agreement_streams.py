"""tether.testing and Chromium agree on streams: the same steps end on the same HTML.

The same method as test_agreement.py (whose drivers and canonical form this
reuses): each scenario runs in the browser against the demo server and through
``LiveClient`` in this process, and the live container's HTML must match.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.e2e.test_agreement import (
    Scenario,
    canonical_html,
    database_beside_playwright,
    run_in_browser,
    run_in_process,
)

from tether.testing import ServerProcess

__all__ = ["database_beside_playwright"]  # a fixture the test below uses

SCENARIOS = [
    Scenario(
        "stream update, delete, reset",
        "/streams/users/",
        [
            ("click", "#users-1 button[phx-click=update]"),
            ("click", "#users-2 button[phx-click=delete]"),
            ("click", "#append-users"),
            ("click", "#reorder-users"),
            ("click", "#users-4 button[phx-click=move_to_first]"),
            ("click", "#reset-users"),
            ("click", "#append-users"),
        ],
    ),
    Scenario(
        "stream inserts at an index, update_only",
        "/streams/reset/",
        [
            ("click", "#filter"),
            ("click", "#bulk-insert"),
            ("click", "#insert-c-at-one"),
            ("click", "#delete-insert-c"),
            ("click", "#add-e-update-only"),
            ("click", "#update-c-update-only"),
            ("click", "#reorder"),
            ("click", "#prepend-c"),
        ],
    ),
    Scenario(
        "stream limits",
        "/streams/limit/",
        [
            ("click", "#add-1"),
            ("click", "#add-10"),
            ("fill", "#configure", "at", "0"),
            ("fill", "#configure", "limit", "5"),
            ("submit", "#configure"),
            ("click", "#add-1"),
            ("fill", "#configure", "at", "1"),
            ("fill", "#configure", "limit", "-5"),
            ("submit", "#configure"),
            ("click", "#add-10"),
            ("click", "#clear"),
            ("click", "#add-1"),
        ],
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_browser_and_live_client_show_the_same_stream(
    page: Any, demo_server: ServerProcess, database_beside_playwright: None, scenario: Scenario
) -> None:
    in_browser = canonical_html(run_in_browser(page, demo_server.url, scenario))
    in_process = canonical_html(run_in_process(scenario))
    assert in_process == in_browser
