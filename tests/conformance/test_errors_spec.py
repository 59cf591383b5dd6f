"""Phoenix LiveView's errors.spec.js, re-expressed against a Tether page.

What the official client does when views fail, which depends on what the server
answers: a dead render that raises is a 500; a main view whose join crashes is
reloaded (faster here than the client's default 5-10 s, through
``window.TetherOptions``), until the client's failsafe; a child whose join crashes
is joined again, then given up, and the page is not reloaded; a crash after the
join remounts the view that crashed over the same socket. The scenario with
linked processes has no Tether counterpart. The page: examples/demo/pages/errors_lab.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from conformance.lv import sync_lv
from tether.testing import ServerProcess

LAB = "/errors/"
# Before any page script, on every load: quick reloads, a long failsafe after 3, the
# client's debug log on (it is where the client says what it does).
FAST_RELOADS = """
window.TetherOptions = {reloadJitterMin: 50, reloadJitterMax: 100, maxReloads: 3,
                        failsafeJitter: 60000};
sessionStorage.setItem("phx:live-socket:debug", "true");
"""


class Watched:
    """The page's document loads and console lines from now on."""

    def __init__(self, page: Any) -> None:
        self.loads: list[str] = []
        self.console: list[str] = []
        page.add_init_script(FAST_RELOADS)
        page.on("request", self._request)
        page.on("console", lambda message: self.console.append(message.text))

    def _request(self, request: Any) -> None:
        if request.resource_type == "document":
            self.loads.append(request.url)

    def said(self, words: str) -> list[str]:
        return [line for line in self.console if words in line]


def _close_overlay(page: Any) -> None:
    """The demo runs with DEBUG: a crash's traceback covers the page until closed."""
    page.locator("#tether-overlay button").click()


def test_500_error_when_dead_mount_fails(page: Any, demo_server: ServerProcess) -> None:
    response = page.goto(demo_server.url + LAB + "?dead-mount=raise")
    assert response.status == 500


def test_reloads_the_page_when_connected_mount_fails_until_the_failsafe(
    page: Any, demo_server: ServerProcess
) -> None:
    watched = Watched(page)
    page.goto(demo_server.url + LAB + "?connected-mount=raise")
    for _ in range(150):  # up to 15 s for the quick reloads
        if len(watched.loads) >= 4:
            break
        page.wait_for_timeout(100)
    assert len(watched.loads) == 4, watched.console[-10:]  # the first load, 3 reloads
    # maxReloads (3) reached: the next reload waits for the failsafe (60 s here),
    # where the ones before came 50-100 ms apart.
    page.wait_for_timeout(1500)
    assert len(watched.loads) == 4
    assert all(url.endswith("?connected-mount=raise") for url in watched.loads)


def test_rejoins_a_child_whose_join_fails_without_reloading_the_page(
    page: Any, demo_server: ServerProcess
) -> None:
    watched = Watched(page)
    page.goto(f"{demo_server.url}{LAB}?child-mount-raise=2&key={uuid.uuid4().hex}")
    sync_lv(page)
    page.wait_for_selector("#child.phx-connected")  # the third join is the charm
    assert page.locator("#child-failed-joins").inner_text() == "2"
    assert len(watched.said("unable to join")) == 2
    assert len(watched.loads) == 1, "a child's failed joins never reload the page"


def test_gives_up_on_a_child_that_keeps_failing_and_keeps_the_page(
    page: Any, demo_server: ServerProcess
) -> None:
    watched = Watched(page)
    page.goto(f"{demo_server.url}{LAB}?child-mount-raise=9&key={uuid.uuid4().hex}")
    for _ in range(100):
        if watched.said("giving up"):
            break
        page.wait_for_timeout(100)
    assert watched.said("giving up trying to mount after 3 tries"), watched.console[-10:]
    assert len(watched.said("unable to join")) == 3  # the fourth failure gives up instead
    assert len(watched.loads) == 1
    page.wait_for_timeout(500)
    assert len(watched.loads) == 1, "no reload after giving up either"
    assert page.locator("#render-time").is_visible()  # the main view still stands


def _open_with_child(page: Any, server: ServerProcess) -> tuple[Watched, str, str]:
    """The page and its child connected; their render marks."""
    watched = Watched(page)
    page.goto(server.url + LAB + "?child")
    sync_lv(page)
    page.wait_for_selector("#child.phx-connected")
    parent = page.locator("#render-time").inner_text()
    return watched, parent, page.locator("#child-render-time").inner_text()


def _crash(page: Any, button: str, mark: str, before: str) -> None:
    """Click ``button``, then wait until ``mark`` shows another render than ``before``."""
    page.get_by_role("button", name=button).click()
    _close_overlay(page)
    page.wait_for_function(
        "([mark, before]) => document.querySelector(mark)?.textContent !== before",
        arg=[mark, before],
    )
    sync_lv(page)
    page.wait_for_selector("#child.phx-connected")


def test_page_does_not_reload_if_child_crashes(page: Any, demo_server: ServerProcess) -> None:
    watched, parent, child = _open_with_child(page, demo_server)
    _crash(page, "Crash child", "#child-render-time", child)
    assert watched.said("view crashed")
    assert page.locator("#render-time").inner_text() == parent, "the parent was not remounted"
    assert len(watched.loads) == 1


def test_page_does_not_reload_if_main_crashes(page: Any, demo_server: ServerProcess) -> None:
    watched, parent, child = _open_with_child(page, demo_server)
    _crash(page, "Crash main", "#render-time", parent)
    assert page.locator("#child-render-time").inner_text() != child, "its child remounted too"
    assert len(watched.loads) == 1, "remounted over the same socket, not reloaded"
