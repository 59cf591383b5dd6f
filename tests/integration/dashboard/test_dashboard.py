"""The dashboard through tether.testing: who may open it, and what it shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tether import telemetry
from tether.dashboard.recorder import RECORD_ID, WAKE_ID, recorder
from tether.testing import LiveClient

URL = "/tether/dashboard/"


@pytest.fixture(autouse=True)
async def _fresh_recorder() -> AsyncIterator[None]:
    yield
    recorder.stop()


async def _client(factory: Any, name: str, *, staff: bool) -> LiveClient:
    user = await get_user_model().objects.acreate_user(name, password="pw", is_staff=staff)
    client: LiveClient = await factory()
    await client.login(user)
    return client


async def test_an_anonymous_visitor_is_sent_to_the_login_page(live_client: LiveClient) -> None:
    response = await live_client.http.get(URL)
    assert response.status_code == 302
    assert response.headers["location"].startswith("/login/?next=/tether/dashboard/")


async def test_a_user_who_is_not_staff_is_refused(live_client_factory: Any) -> None:
    client = await _client(live_client_factory, "ada", staff=False)
    response = await client.http.get(URL)
    assert response.status_code == 403


async def test_staff_see_the_counter_view_and_its_events(live_client_factory: Any) -> None:
    staff = await _client(live_client_factory, "boss", staff=True)
    dashboard = await staff.live(URL)
    assert RECORD_ID in telemetry.attached()

    visitor = await live_client_factory()
    counter = await visitor.live("/counter/")
    for _ in range(5):
        await counter.click("#inc")

    await dashboard.wait_for(lambda v: v.has_element('#views tr[data-view="Counter"]'), 5)
    await dashboard.wait_for(lambda v: v.has_element("#handlers td", text="inc"), 5)
    assert dashboard.has_element("#nodes tr.node")
    assert dashboard.has_element("#chart-events polyline")
    events_chart = dashboard.element("#chart-events polyline")["points"]
    assert len(events_chart.split()) >= 1


async def test_a_reconnected_dashboard_carries_on(live_client_factory: Any) -> None:
    staff = await _client(live_client_factory, "boss", staff=True)
    dashboard = await staff.live(URL)
    await dashboard.wait_for(lambda v: v.has_element("#nodes tr.node"), 5)
    await dashboard.reconnect()
    await dashboard.wait_for(lambda v: v.has_element('#views tr[data-view="Dashboard"]'), 5)
    assert staff.crash_logs() == []


async def test_the_node_records_only_while_a_dashboard_asks(live_client: LiveClient) -> None:
    await live_client.live("/counter/")
    assert WAKE_ID in telemetry.attached()
    assert RECORD_ID not in telemetry.attached()
    assert not telemetry.enabled(telemetry.VIEW_EVENT)
