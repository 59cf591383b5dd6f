"""Every telemetry event the runtime emits reaches an attached handler, with its documented keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tether import telemetry
from tether.live.registry import registry
from tether.testing import LiveClient

Received = list[tuple[str, dict[str, Any]]]


@pytest.fixture
def received() -> Iterator[Received]:
    got: Received = []
    telemetry.attach("itest", None, lambda event, data: got.append((event, dict(data))))
    yield got
    telemetry.detach("itest")


def of(received: Received, event: str) -> list[dict[str, Any]]:
    return [data for name, data in received if name == event]


async def test_connect_join_event_leave_and_close(
    live_client: LiveClient, received: Received
) -> None:
    view = await live_client.live("/counter/")
    await view.click("#inc")
    await view.close()
    await live_client.close()

    (connect,) = of(received, telemetry.SOCKET_CONNECT)
    assert connect["sockets"] >= 1
    (join,) = of(received, telemetry.VIEW_JOIN)
    assert join["view"] == "Counter" and join["thawed"] is False
    assert 0 <= join["handler_time"] <= join["duration"]
    assert join["render_time"] >= 0
    (click,) = of(received, telemetry.VIEW_EVENT)
    assert click["view"] == "Counter" and click["event_name"] == "inc"
    assert click["diff_bytes"] == len('{"0":"1"}')
    assert click["handler_time"] >= 0 and click["render_time"] >= 0
    (leave,) = of(received, telemetry.VIEW_LEAVE)
    assert leave == {"view": "Counter", "reason": "frozen"}
    (close,) = of(received, telemetry.SOCKET_CLOSE)
    assert close["views"] == 1 and close["code"] == 1000 and close["duration"] > 0
    assert close["reason"] == "" and close["sockets"] == 0


async def test_an_event_that_changes_nothing_sends_no_diff_bytes(
    live_client: LiveClient, received: Received
) -> None:
    view = await live_client.live("/echo/")
    await view.hook("add", {"n": "0"})  # total stays 0, effects changes
    await view.hook("sync_add", {"n": "0"})
    sync_add = of(received, telemetry.VIEW_EVENT)[-1]
    assert sync_add["event_name"] == "sync_add" and sync_add["diff_bytes"] == 0


async def test_info_from_a_timer(live_client: LiveClient, received: Received) -> None:
    view = await live_client.live("/clock/")
    await view.wait_for(lambda v: bool(of(received, telemetry.VIEW_INFO)), timeout=3)
    info = of(received, telemetry.VIEW_INFO)[0]
    assert info["view"] == "Clock" and info["broadcast"] is False
    assert info["diff_bytes"] >= 0 and info["handler_time"] >= 0


async def test_a_broadcast_fans_out_and_is_encoded_once(
    live_client_factory: Any, received: Received
) -> None:
    views = []
    for name in ("ada", "bob", "cy"):
        user = await get_user_model().objects.acreate_user(name, password="pw")
        client = await live_client_factory()
        await client.login(user)
        views.append(await client.live("/chat/telemetry/"))
    received.clear()
    await views[0].submit("#chat-form", {"body": "hello"})
    for view in views:
        await view.wait_for_element("#messages li", text="hello")

    sent = [b for b in of(received, telemetry.PUBSUB_BROADCAST) if b["topic"].endswith("telemetry")]
    assert sent and max(b["subscribers"] for b in sent) == 3
    assert all(b["remote"] is False for b in sent)
    infos = [i for i in of(received, telemetry.VIEW_INFO) if i["broadcast"]]
    assert {i["view"] for i in infos} == {"Chat"}
    encodes = of(received, telemetry.SHARED_ENCODE)
    assert [e["hit"] for e in encodes].count(True) >= 1


async def test_freeze_and_thaw_with_bytes_and_store_time(
    live_client: LiveClient, received: Received
) -> None:
    view = await live_client.live("/wizard/")
    assert await registry.freeze_idle(0.0) >= 1
    await view.reconnect()

    freezes = of(received, telemetry.STATE_FREEZE)
    assert freezes and freezes[0]["view"] == "Wizard" and freezes[0]["ok"] is True
    assert freezes[0]["bytes"] > 0 and freezes[0]["duration"] >= 0
    thaws = of(received, telemetry.STATE_THAW)
    assert thaws and thaws[0]["view"] == "Wizard"
    assert thaws[0]["bytes"] == freezes[0]["bytes"] and thaws[0]["duration"] >= 0
    (leave,) = [leave for leave in of(received, telemetry.VIEW_LEAVE)]
    assert leave["view"] == "Wizard"
    joins = of(received, telemetry.VIEW_JOIN)
    assert [j["thawed"] for j in joins] == [False, True]
