"""The dashboard in real Chromium: staff watch another client's clicks; others are refused;
two processes sharing Redis each get their row."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from test_browser_chat import own_redis  # noqa: F401  (the fixture: a Redis this test may kill)

from tether.testing import ServerProcess

CONNECTED = "[data-phx-main].phx-connected"
DASHBOARD = "/tether/dashboard/"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _login(browser: Any, base: str, username: str) -> Any:
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", username)
    page.click("#login")
    page.wait_for_url(base + "/")
    return page


def _open_counter(browser: Any, url: str) -> Any:
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    page.goto(url + "/counter/")
    page.wait_for_selector(CONNECTED)
    return page


def _rate(page: Any) -> float:
    return float(str(page.text_content("#events-rate")).replace(",", "").rstrip("k") or 0)


def test_the_dashboard_shows_the_event_rate_rising_and_the_counter_view(
    browser: Any, demo_server: ServerProcess
) -> None:
    staff = _login(browser, demo_server.url, "staff")
    staff.goto(demo_server.url + DASHBOARD)
    staff.wait_for_selector(CONNECTED)
    staff.wait_for_selector("#nodes tr.node")  # the first snapshot arrived
    assert _rate(staff) == 0
    assert staff.locator('#views tr[data-view="Counter"]').count() == 0

    counter = _open_counter(browser, demo_server.url)
    clicks = 0
    for _ in range(300):  # at most ~30 s of clicking, until the dashboard shows it
        for _ in range(5):
            counter.click("#inc")
            clicks += 1
        counter.wait_for_function(f"document.querySelector('#count').textContent === '{clicks}'")
        if _rate(staff) > 0 and staff.locator('#views tr[data-view="Counter"]').count():
            break
        counter.wait_for_timeout(100)
    assert _rate(staff) > 0
    assert staff.text_content('#views tr[data-view="Counter"] td:last-child') == "1"
    staff.wait_for_selector("#handlers td:text-is('inc')")
    for page in (staff, counter):
        page.context.close()


def test_a_user_who_is_not_staff_is_refused(browser: Any, demo_server: ServerProcess) -> None:
    member = _login(browser, demo_server.url, "demo")
    response = member.goto(demo_server.url + DASHBOARD)
    assert response.status == 403
    assert member.locator("#dashboard").count() == 0
    member.context.close()

    anonymous = browser.new_context().new_page()
    anonymous.goto(demo_server.url + DASHBOARD)
    assert "/login/" in anonymous.url
    anonymous.context.close()


@pytest.mark.redis
def test_two_processes_sharing_redis_each_show_their_own_row(
    browser: Any, server_factory: Any
) -> None:
    env = {"TETHER_REDIS_URL": REDIS_URL, "TETHER_REDIS_PREFIX": f"dash-{uuid.uuid4().hex[:8]}:"}
    node_a, node_b = server_factory(**env), server_factory(**env)
    staff = _login(browser, node_a.url, "staff")
    staff.goto(node_a.url + DASHBOARD)
    staff.wait_for_selector(CONNECTED)

    counter = _open_counter(browser, node_b.url)  # node B's only page
    staff.wait_for_function("document.querySelectorAll('#nodes tr.node').length === 2")
    rows = staff.locator("#nodes tr.node").all_text_contents()
    assert any(f":{node_a.pid}" in row for row in rows)
    assert any(f":{node_b.pid}" in row for row in rows)
    assert staff.text_content("#total-nodes") == "2"
    assert staff.locator('#views tr[data-view="Counter"]').count() == 1
    for page in (staff, counter):
        page.context.close()


@pytest.mark.redis
def test_the_dashboard_shows_redis_down_and_back(
    browser: Any,
    server_factory: Any,
    own_redis: tuple[int, Any],  # noqa: F811
) -> None:
    port, (stop_redis, start_redis) = own_redis
    node = server_factory(TETHER_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    staff = _login(browser, node.url, "staff")
    staff.goto(node.url + DASHBOARD)
    staff.wait_for_selector(CONNECTED)
    staff.wait_for_selector("#nodes tr.node td:text-is('RedisPubSub')")

    stop_redis()
    staff.wait_for_selector("#nodes tr.node .down:text-is('RedisPubSub down')", timeout=15_000)
    start_redis()
    staff.wait_for_selector("#nodes tr.node td:text-is('RedisPubSub')", timeout=30_000)
    staff.context.close()
