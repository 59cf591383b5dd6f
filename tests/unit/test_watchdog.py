from __future__ import annotations

import asyncio
import gc
import logging
import re
import time
from types import SimpleNamespace
from typing import Any

import pytest

from tether.handlers import event
from tether.protocol import Mailbox
from tether.view import LiveView
from tether.watchdog import Step, Watchdog, describe_task, steps


class Shop(LiveView):
    @event("add-item")
    async def add(self, payload: Any) -> None:
        pass


def described(kind: Mailbox, payload: Any) -> tuple[str, str]:
    return Step(SimpleNamespace(view_cls=Shop), kind, payload).describe()


def test_a_step_names_the_event_method() -> None:
    found = described(Mailbox.EVENT, {"event": "add-item", "type": "click"})
    assert found == ("Shop", "add (event 'add-item')")


def test_an_unknown_event_falls_back_to_handle_event() -> None:
    assert described(Mailbox.EVENT, {"event": "nope"}) == ("Shop", "handle_event (event 'nope')")


def test_a_join_step_names_mount() -> None:
    assert described(Mailbox.JOIN, {}) == ("Shop", "mount")


def test_the_view_class_is_read_when_reported_not_when_published() -> None:
    # A join publishes its step before admission names the view's class.
    session = SimpleNamespace(view_cls=LiveView)
    step = Step(session, Mailbox.JOIN, {})
    session.view_cls = Shop
    assert step.describe() == ("Shop", "mount")


async def test_describe_task_reads_the_published_step_of_the_running_task() -> None:
    task = asyncio.current_task()
    assert task is not None
    assert describe_task(task) is None
    steps[task] = Step(SimpleNamespace(view_cls=Shop), Mailbox.INFO, "tick")
    try:
        assert describe_task(task) == ("Shop", "handle_info")
    finally:
        del steps[task]
    assert describe_task(None) is None


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
    assert "garbage collection" not in reports[0]


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


async def test_tethers_own_render_is_not_blamed_on_the_views_handler() -> None:
    # Issue 17: a stall in Tether's first render was logged as the view's mount.
    from tether.watchdog import phase, publish

    task = asyncio.current_task()
    assert task is not None
    publish(task, Step(SimpleNamespace(view_cls=Shop), Mailbox.JOIN, {}))
    try:
        phase("render")
        assert describe_task(task) == ("Tether", "render of Shop's template (not your handler)")
        phase(None)
        assert describe_task(task) == ("Shop", "mount")
    finally:
        del steps[task]


async def test_a_stall_spent_in_garbage_collection_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The stack then shows a gc callback or what ran next, never the collection."""

    def slow_collection(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            time.sleep(0.2)  # within the collection, as a long walk of the heap is

    watchdog = Watchdog(threshold_ms=50)
    with caplog.at_level(logging.WARNING, logger="tether.watchdog"):
        watchdog.start()
        gc.callbacks.append(slow_collection)
        try:
            await asyncio.sleep(0.02)
            gc.collect()
            await asyncio.sleep(0.02)
        finally:
            gc.callbacks.remove(slow_collection)
            watchdog.stop()
    (report,) = [r.getMessage() for r in caplog.records if "blocked" in r.getMessage()]
    found = re.search(r"\((\d+) ms of it in garbage collection: see TETHER\['GC'\]", report)
    assert found, report
    assert int(found.group(1)) >= 50
    assert watchdog._on_gc not in gc.callbacks
