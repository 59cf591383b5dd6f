"""The tutorial's todo app in real Chromium: two people, one list (docs/tutorial.md).

With ``TETHER_DOCS_SCREENSHOTS`` set (``make docs-images``), the run also
refreshes the screenshots the tutorial and the README show.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tether.testing import ServerProcess

CONNECTED = "[data-phx-main].phx-connected"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"


def _signed_in(browser: Any, base: str, user: str) -> Any:
    page = browser.new_context(viewport={"width": 900, "height": 640}).new_page()
    page.set_default_timeout(10_000)
    page.goto(base + "/login/?next=/todos/")
    page.fill("#id_username", user)
    page.fill("#id_password", user)
    page.click("#login")
    page.wait_for_url(base + "/todos/")
    page.wait_for_selector(CONNECTED)
    return page


def _wait_present(page: Any, names: list[str]) -> None:
    page.wait_for_function(
        "(names) => JSON.stringify([...document.querySelectorAll('#present .pill')]"
        ".map(p => p.textContent)) === JSON.stringify(names)",
        arg=names,
    )


def test_two_people_share_one_list_as_they_type_tick_and_look(
    browser: Any, demo_server: ServerProcess
) -> None:
    demo = _signed_in(browser, demo_server.url, "demo")
    staff = _signed_in(browser, demo_server.url, "staff")
    _wait_present(demo, ["demo", "staff"])
    _wait_present(staff, ["demo", "staff"])

    title = "Water the plants"  # each run has its own database
    demo.type("#id_title", "Wa")  # too short: the error shows as the user types
    demo.wait_for_selector("#title-error")
    assert "at least 3 characters" in demo.text_content("#title-error")
    demo.type("#id_title", title[2:])
    demo.wait_for_selector("#title-error", state="detached")
    demo.press("#id_title", "Enter")

    row = staff.locator("#todo-list li", has_text=title)
    row.wait_for()
    assert demo.input_value("#id_title") == "", "the sender's form is cleared"
    row.locator("input[type=checkbox]").click()
    demo.locator("#todo-list li.done", has_text=title).wait_for()

    staff.type("input[name=q]", "no such todo")  # search narrows one person's list only
    staff.wait_for_selector("#nothing")
    assert demo.locator("#todo-list li", has_text=title).count() == 1

    if os.environ.get("TETHER_DOCS_SCREENSHOTS"):  # make docs-images refreshes the docs' copy
        for extra in ("Buy bread", "Call the plumber"):
            demo.fill("#id_title", extra)
            demo.press("#id_title", "Enter")
            demo.locator("#todo-list li", has_text=extra).wait_for()
        demo.type("#id_title", "ab")
        demo.wait_for_selector("#title-error")
        demo.screenshot(path=str(SCREENSHOTS / "tutorial-todos.png"))
        demo.goto(demo_server.url + "/")
        demo.screenshot(path=str(SCREENSHOTS / "demo-index.png"), full_page=True)
