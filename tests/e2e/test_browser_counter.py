"""The official Phoenix client in real Chromium, against the demo under uvicorn."""

from __future__ import annotations

from typing import Any

from tether.testing import ServerProcess


def _frames(page: Any) -> list[str]:
    received: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(str(f))))
    return received


def test_clicking_inc_five_times_shows_five_over_the_socket(
    page: Any, demo_server: ServerProcess
) -> None:
    frames = _frames(page)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.goto(demo_server.url + "/counter/")
    page.wait_for_selector(".phx-connected")
    loads = len(navigations)
    for _ in range(5):
        page.click("#inc")
    page.wait_for_function("document.querySelector('#count').textContent === '5'")
    assert page.text_content("#count") == "5"
    assert len(navigations) == loads, "a click must not load a page"
    assert any('"diff"' in f for f in frames), frames


def test_clock_changes_without_input(page: Any, demo_server: ServerProcess) -> None:
    page.goto(demo_server.url + "/clock/")
    page.wait_for_selector(".phx-connected")
    first = page.text_content("#now")
    page.wait_for_function(
        "(first) => document.querySelector('#now').textContent !== first", arg=first, timeout=5000
    )
    assert page.text_content("#now") != first


def test_counter_reconnects_after_a_server_restart(page: Any, server_factory: Any) -> None:
    server = server_factory()
    page.goto(server.url + "/counter/")
    page.wait_for_selector(".phx-connected")
    page.click("#inc")
    page.wait_for_function("document.querySelector('#count').textContent === '1'")
    server.stop()
    page.wait_for_selector(".phx-connected", state="detached")
    server.start()
    page.wait_for_selector(".phx-connected", timeout=20_000)
    # Each click is awaited before the next: a reconnect that resumed (1) or
    # remounted (0) must count on from where it shows.
    before = int(page.text_content("#count") or "0")
    for n in (1, 2):
        page.click("#inc")
        page.wait_for_function(
            "(n) => Number(document.querySelector('#count').textContent) === n",
            arg=before + n,
        )


def test_login_required_redirects_anonymous_users_and_greets_members(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + "/login-required/")
    assert "/login/" in page.url
    page.fill("#id_username", "demo")
    page.fill("#id_password", "demo")
    page.click("#login")
    page.wait_for_selector(".phx-connected")
    assert page.url.endswith("/login-required/")
    assert page.text_content("#username") == "demo"


def test_tether_options_reach_the_client_but_never_replace_the_csrf_token(
    page: Any, demo_server: ServerProcess
) -> None:
    page.add_init_script(
        "window.TetherOptions = {reloadJitterMin: 1234, params: {_csrf_token: 'forged'}};"
    )
    page.goto(demo_server.url + "/counter/")
    page.wait_for_selector(".phx-connected")  # joined: the page's own token was sent
    assert page.evaluate("window.liveSocket.reloadJitterMin") == 1234
    page.click("#inc")
    page.wait_for_function("document.querySelector('#count').textContent === '1'")


def test_the_clock_shows_the_time_zone_the_browser_sent_with_its_join(
    browser: Any, demo_server: ServerProcess
) -> None:
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(demo_server.url + "/clock/")
    page.wait_for_selector(".phx-connected")
    page.wait_for_selector("#your-zone")  # not in the dead render: only the client knows it
    assert page.text_content("#your-zone") == "Asia/Tokyo"
    context.close()
