"""Issue: async done right — serial views, concurrent loads, nothing leaked."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from typing import Any

import pytest

from tether.live.registry import registry
from tether.testing import LiveClient, LiveTestError, ViewCrashed
from tether.view import LiveView


async def test_five_loads_of_100ms_take_the_slowest_not_the_sum(live_client: LiveClient) -> None:
    from tests.integration.views import LOAD_LOG

    LOAD_LOG.clear()
    view = await live_client.live("/loads/?delay=0.1")
    assert view.text("#a") == "loading"
    await view.wait_for(lambda v: all(v.text(f"#{n}") != "loading" for n in "abcde"))
    assert [view.text(f"#{n}") for n in "abcde"] == ["A", "B", "C", "D", "E"]
    # Every load started before the first one ended: they overlapped.
    kinds = [kind for kind, _, _ in LOAD_LOG]
    assert kinds == ["start"] * 5 + ["end"] * 5
    starts = [t for kind, _, t in LOAD_LOG if kind == "start"]
    ends = [t for kind, _, t in LOAD_LOG if kind == "end"]
    wall = max(ends) - min(starts)
    assert wall < 0.15, f"five 100 ms loads took {wall * 1000:.0f} ms, not ~100"


async def test_a_failed_load_shows_its_error_and_the_view_lives_on(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/loads/?delay=0.01")
    await view.wait_for(lambda v: v.text("#e") == "E")
    await view.push("click", "fail", {})
    await view.wait_for(lambda v: v.text("#a").startswith("error"))
    assert view.text("#a") == "error: load failed"
    assert view.text("#b") == "B"


async def test_cancel_works_on_a_running_load(live_client: LiveClient) -> None:
    view = await live_client.live("/loads/?delay=5")
    await view.push("click", "cancel", {})
    assert view.text("#e") == "error: cancelled"
    assert view.text("#a") == "loading"


async def test_events_are_handled_one_at_a_time_in_arrival_order(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/echo/")
    pushes = [view.push("click", "add", {"n": str(n)}) for n in range(100)]
    await asyncio.gather(*pushes)
    expected_total = 0
    for n in range(100):
        expected_total = expected_total * 3 + n
    assert view.text("#total") == str(expected_total)
    assert [li.get_text() for li in view.soup().select("#effects li")] == [
        str(n) for n in range(100)
    ]


async def test_a_crashing_handler_reports_the_server_traceback(live_client: LiveClient) -> None:
    view = await live_client.live("/echo/")
    with pytest.raises(ViewCrashed, match="ZeroDivisionError: boom in a handler"):
        await view.push("click", "boom", {})


async def test_a_hanging_handler_times_out_and_other_views_keep_working(
    live_client: LiveClient, settings: object
) -> None:
    settings.TETHER = {**settings.TETHER, "HANDLER_TIMEOUT": 0.2}  # type: ignore[attr-defined]
    hanging = await live_client.live("/echo/")
    other = await live_client.live("/echo/")
    with pytest.raises(LiveTestError, match="timeout"):
        await hanging.push("click", "hang", {})
    await other.push("click", "sync_add", {"n": "4"})
    assert other.text("#total") == "4"


async def test_the_watchdog_names_the_view_and_handler_that_block(
    live_client: LiveClient, settings: object, caplog: pytest.LogCaptureFixture
) -> None:
    settings.TETHER = {**settings.TETHER, "WATCHDOG": {"ENABLED": True, "THRESHOLD_MS": 100}}  # type: ignore[attr-defined]
    from tether import watchdog

    watchdog.stop()
    view = await live_client.live("/echo/")
    with caplog.at_level(logging.WARNING, logger="tether.watchdog"):
        await view.push("click", "block", {})
        await asyncio.sleep(0.05)
    watchdog.stop()
    messages = [r.getMessage() for r in caplog.records if r.name == "tether.watchdog"]
    assert any("Echo.block" in m and "time.sleep(0.3)" in m for m in messages), messages


def _live_views() -> list[LiveView]:
    return [o for o in gc.get_objects() if isinstance(o, LiveView)]


async def test_nothing_leaks_after_joins_leaves_and_abrupt_disconnects(
    live_client_factory: object,
) -> None:
    make = live_client_factory
    gc.collect()
    baseline_tasks = len(asyncio.all_tasks())
    client: LiveClient = await make()  # type: ignore[operator]
    refs: list[weakref.ref[LiveView]] = []
    for i in range(1000):
        view = await client.live("/busy/")
        refs.extend(
            weakref.ref(s.view)
            for socket in registry.sockets
            if (s := socket.sessions.get(view.topic)) is not None and s.view is not None
        )
        if i % 5 == 0:
            await view._transport.close()  # type: ignore[union-attr]  # abrupt disconnect
        else:
            reply = await view._request("phx_leave", {})
            assert reply["status"] == "ok"
        await view.close()
        client.views.clear()
    del view, s  # the test's own last references
    await asyncio.sleep(0.05)
    gc.collect()
    assert len(asyncio.all_tasks()) <= baseline_tasks + 1
    assert not registry.sockets
    assert sum(r() is not None for r in refs) == 0
    assert len(refs) == 1000


async def test_a_plain_def_handler_runs_in_a_thread_where_the_sync_orm_works(
    live_client: LiveClient,
) -> None:
    from django.contrib.auth import get_user_model

    await get_user_model().objects.acreate_user("ada")
    await get_user_model().objects.acreate_user("bob")
    view = await live_client.live("/echo/")
    await view.push("click", "count_users", {})
    assert view.text("#total") == "2"


async def test_the_sync_orm_in_an_async_handler_crashes_with_a_one_line_hint(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/echo/")
    with pytest.raises(ViewCrashed, match="Hint: the sync ORM was called from an async def"):
        await view.push("click", "count_users_on_the_loop", {})


@pytest.mark.parametrize("debug", [True, False])
async def test_a_crash_reaches_the_page_with_its_traceback_only_in_debug(
    live_client: LiveClient, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    view = await live_client.live("/echo/")
    with pytest.raises(ViewCrashed):
        await view.push("click", "boom", {})
    shown = [u.raw for u in view.updates if "tether:crash" in u.raw]
    if debug:
        assert shown and "ZeroDivisionError: boom in a handler" in shown[0]
        assert "Echo.boom (event 'boom')" in shown[0]
    else:
        assert shown == []


async def test_a_broadcast_to_many_views_is_not_held_up_by_one_that_waits_on_its_own_timeout(
    live_client: LiveClient,
) -> None:
    # The views a broadcast reaches share one runner task until one waits
    # (tether.live.runners): the waiting one keeps it, so its asyncio.timeout
    # cancels its own step, the others go on at once, and a context variable it
    # sets is neither lost across its wait nor seen by the views after it.
    from tests.integration.views import LISTENER_TOPIC

    slow = await live_client.live("/listener/?slow=1")  # subscribed first: served first
    quick = [await live_client.live("/listener/") for _ in range(20)]
    await live_client.broadcast(LISTENER_TOPIC, "news")
    for view in quick:
        await view.wait_for(lambda v: v.text("#last") == "got news, mood calm")
    assert slow.text("#last") == ""  # still waiting: it held up nobody
    await slow.wait_for(lambda v: v.text("#last") != "", timeout=10)
    assert slow.text("#last") == "timed out, mood slow (was calm)"
    await live_client.broadcast(LISTENER_TOPIC, "more")
    for view in quick:  # the runner that timed out left every view serving
        await view.wait_for(lambda v: v.text("#total") == "2")
