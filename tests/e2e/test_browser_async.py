"""The async dashboard in Chromium: spinners first, then values, and one error box."""

from __future__ import annotations

from typing import Any

from tether.testing import ServerProcess


def test_the_dashboard_goes_from_loading_to_values_and_one_error(
    page: Any, demo_server: ServerProcess
) -> None:
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    response = page.goto(demo_server.url + "/dashboard-async/")
    # The dead render shows every panel loading; the loads start once connected.
    assert response is not None
    assert response.text().count('class="spinner"') == 5
    page.wait_for_selector("[data-phx-main].phx-connected")
    page.wait_for_function("document.querySelectorAll('.spinner').length === 0", timeout=10_000)
    values = page.locator(".panel .value").all_text_contents()
    assert values == ["1284", "342", "$48,210", "87 ms"]
    errors = page.locator(".panel .error").all_text_contents()
    assert errors == ["Could not load: inventory service unavailable"]
    assert page.locator("#panel-inventory .error").count() == 1
    # Each panel arrived in its own pushed diff as its load finished.
    pushes = [f for f in frames if '"diff",' in f and ",null," in f]
    assert len(pushes) >= 5, pushes
