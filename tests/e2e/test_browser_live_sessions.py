"""Live sessions in real Chromium: navigation stays live inside one and reloads the page
to another; an anonymous user's live navigation to a guarded URL never shows it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import DEMO, ROOT
from tether.testing import ServerProcess

CONNECTED = "[data-phx-main].phx-connected"


@pytest.fixture(scope="module")
def wall_server(
    demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """The test project's pages (tests/integration/live_session_views.py) behind
    LoginRequiredMiddleware and LocaleMiddleware."""
    env = {
        **demo_env,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.live_sessions_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    log = tmp_path_factory.mktemp("log") / "wall.log"
    with ServerProcess("demo.asgi:application", cwd=DEMO, env=env, log=log) as server:
        yield server


def _frames(page: Any) -> list[str]:
    received: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(str(f))))
    return received


def _mark_window(page: Any) -> None:
    """A marker that lives exactly as long as this document: a page load drops it."""
    page.evaluate("() => { window.__sameDocument = true; }")


def _same_document(page: Any) -> bool:
    return bool(page.evaluate("() => window.__sameDocument === true"))


def _log_in(page: Any, base: str, name: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", name)
    page.click("#login")
    page.wait_for_load_state()


def test_navigation_inside_a_live_session_stays_live_and_to_another_reloads(
    page: Any, wall_server: ServerProcess
) -> None:
    page.goto(wall_server.url + "/shop/")
    page.wait_for_selector(CONNECTED)
    _mark_window(page)
    page.click("#inc")
    page.wait_for_function("document.querySelector('#count').textContent === '1'")
    page.click("#to-cart")
    page.wait_for_function("document.querySelector('#heading').textContent === 'Shop cart'")
    page.wait_for_selector(CONNECTED)
    assert page.url == wall_server.url + "/shop/cart/"
    assert _same_document(page), "inside the live session: no page load"
    page.click("#to-lobby")  # a page of no live session
    page.wait_for_function("document.querySelector('#heading').textContent === 'Lobby'")
    page.wait_for_selector(CONNECTED)
    assert page.url == wall_server.url + "/lobby/"
    assert not _same_document(page), "another live session: the page was loaded over HTTP"


def test_an_anonymous_live_navigation_to_a_login_required_url_meets_the_login(
    page: Any, wall_server: ServerProcess
) -> None:
    frames = _frames(page)
    page.goto(wall_server.url + "/lobby/")
    page.wait_for_selector(CONNECTED)
    page.click("#to-secret")  # login_required(Secret.as_view())
    page.wait_for_url("**/login/?next=/secret/")
    assert page.locator("#last").count() == 0
    assert not any('id=\\"last\\"' in frame for frame in frames), "never sent to the browser"


def test_an_anonymous_live_navigation_behind_login_required_middleware_meets_the_login(
    page: Any, wall_server: ServerProcess
) -> None:
    frames = _frames(page)
    page.goto(wall_server.url + "/lobby/")
    page.wait_for_selector(CONNECTED)
    page.click("#to-unguarded")  # a bare view: only LoginRequiredMiddleware guards it
    page.wait_for_url("**/login/?next=/unguarded/")
    assert not any('id=\\"last\\"' in frame for frame in frames), "never sent to the browser"


def test_an_anonymous_live_navigation_into_a_login_required_live_session_meets_the_login(
    page: Any, wall_server: ServerProcess
) -> None:
    frames = _frames(page)
    page.goto(wall_server.url + "/shop/")
    page.wait_for_selector(CONNECTED)
    page.click("#to-club")
    page.wait_for_url("**/login/?next=/club/")
    assert not any("Club home" in frame for frame in frames), "never sent to the browser"


def test_the_demos_staff_area_navigates_live_and_its_link_out_reloads(
    page: Any, demo_server: ServerProcess
) -> None:
    _log_in(page, demo_server.url, "staff")
    page.goto(demo_server.url + "/staff/")
    page.wait_for_selector(CONNECTED)
    assert page.text_content("#staff-name") == "staff", "the on_mount hook assigned it"
    _mark_window(page)
    page.click("#staff-people")
    page.wait_for_selector("#people li")
    assert "staff (staff)" in page.locator("#people").inner_text()
    assert _same_document(page)
    page.click("#leave-staff")
    page.wait_for_url(demo_server.url + "/counter/")
    page.wait_for_selector(CONNECTED)
    assert not _same_document(page), "leaving the live session loads the page over HTTP"


def test_the_demos_staff_area_refuses_a_user_who_is_not_staff(
    page: Any, demo_server: ServerProcess
) -> None:
    _log_in(page, demo_server.url, "demo")
    response = page.goto(demo_server.url + "/staff/")
    assert response.status == 403


def test_a_french_browsers_events_render_in_french_as_its_page_load_did(
    browser: Any, wall_server: ServerProcess
) -> None:
    # The socket's handshake carries Chromium's Accept-Language; the join activates it.
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(wall_server.url + "/localized/")
        page.wait_for_selector(CONNECTED)
        assert page.text_content("#month") == "janvier"
        page.click("#next")
        page.wait_for_selector("#later")
        assert page.text_content("#month") == "février"
        assert page.text_content("#later") == "Oui"
    finally:
        context.close()
