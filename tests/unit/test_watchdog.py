from __future__ import annotations

import asyncio
import logging
import sys
import time
from types import SimpleNamespace
from typing import Any

import pytest

from tether.live.session import LiveSession, State
from tether.view import LiveView, event
from tether.watchdog import Watchdog, describe_handler


class Shop(LiveView):
    @event("add-item")
    async def add(self, payload: Any) -> None:
        pass


def described_inside_step(kind: str, payload: Any) -> tuple[str, str] | None:
    """Run the real LiveSession._step on a stand-in session and describe the stack
    from inside the handler it calls, as the watchdog thread sees it."""
    captured: list[tuple[str, str] | None] = []

    async def capture(*args: Any) -> None:
        captured.append(describe_handler(sys._getframe()))

    session = SimpleNamespace(
        view_cls=Shop,
        state=State.JOINED,
        view=None,
        _join=capture,
        _event=capture,
        _params=capture,
    )
    coro = LiveSession._step(session, kind, "1", payload)  # type: ignore[arg-type]
    with pytest.raises(StopIteration):
        coro.send(None)
    return captured[0]


def test_describe_handler_names_the_event_method() -> None:
    found = described_inside_step("event", {"event": "add-item", "type": "click"})
    assert found == ("Shop", "add (event 'add-item')")


def test_describe_handler_unknown_event_falls_back_to_handle_event() -> None:
    found = described_inside_step("event", {"event": "nope"})
    assert found == ("Shop", "handle_event (event 'nope')")


def test_describe_handler_names_mount_for_a_join() -> None:
    assert described_inside_step("join", {}) == ("Shop", "mount")


def test_describe_handler_outside_a_session() -> None:
    assert describe_handler(sys._getframe()) is None
    assert describe_handler(None) is None


async def test_watchdog_counts_a_blocked_loop(caplog: pytest.LogCaptureFixture) -> None:
    watchdog = Watchdog(threshold_ms=50)
    assert watchdog.threshold == pytest.approx(0.05)
    with caplog.at_level(logging.WARNING, logger="tether.watchdog"):
        watchdog.start()
        try:
            await asyncio.sleep(0.02)
            time.sleep(0.2)  # noqa: ASYNC251  (the stall under test)
            await asyncio.sleep(0.02)
        finally:
            watchdog.stop()
    assert watchdog.stalls >= 1
    reports = [r.getMessage() for r in caplog.records if "time.sleep(0.2)" in r.getMessage()]
    assert len(reports) == 1  # one long stall is reported once, with the blocking line
    assert "event loop blocked for" in reports[0]
    assert "outside any live view handler" in reports[0]


async def test_watchdog_stop_ends_thread_and_ticks() -> None:
    watchdog = Watchdog(threshold_ms=50)
    watchdog.start()
    assert watchdog._thread is not None and watchdog._thread.is_alive()
    watchdog.stop()
    assert not watchdog._thread.is_alive()
    assert watchdog._handle is not None and watchdog._handle.cancelled()
    time.sleep(0.1)  # noqa: ASYNC251  (blocked, but nobody watches any more)
    await asyncio.sleep(0)
    assert watchdog.stalls == 0
