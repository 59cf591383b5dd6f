"""tether.telemetry: attaching, detaching, emitting, and the handlers it ships."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tether import telemetry
from tether.errors import UnknownTelemetryEvent
from tether.live.collector import Collector
from tether.protocol import Mailbox
from tether.watchdog import Step, Watchdog, steps

Received = list[tuple[str, dict[str, Any]]]


@pytest.fixture
def received() -> Iterator[Received]:
    got: Received = []
    telemetry.attach("test", None, lambda event, data: got.append((event, data)))
    yield got
    telemetry.detach("test")


def test_nothing_is_enabled_until_a_handler_is_attached() -> None:
    assert not telemetry.enabled(telemetry.VIEW_EVENT)
    assert not telemetry.stopwatch(telemetry.VIEW_EVENT)
    telemetry.attach("t", telemetry.VIEW_EVENT, lambda e, d: None)
    try:
        assert telemetry.enabled(telemetry.VIEW_EVENT)
        assert telemetry.stopwatch(telemetry.VIEW_EVENT)
    finally:
        telemetry.detach("t")


def test_a_handler_gets_only_the_events_it_asked_for() -> None:
    got: Received = []
    telemetry.attach("joins", [telemetry.VIEW_JOIN], lambda e, d: got.append((e, d)))
    try:
        assert telemetry.enabled(telemetry.VIEW_JOIN)
        assert not telemetry.enabled(telemetry.VIEW_EVENT)
        telemetry.emit(telemetry.VIEW_JOIN, {"view": "Counter"})
        telemetry.emit(telemetry.VIEW_EVENT, {"view": "Counter"})
    finally:
        assert telemetry.detach("joins")
    assert got == [(telemetry.VIEW_JOIN, {"view": "Counter"})]
    assert not telemetry.enabled(telemetry.VIEW_JOIN)
    assert not telemetry.detach("joins")


def test_attaching_the_same_id_again_replaces_it() -> None:
    got: list[str] = []
    telemetry.attach("one", telemetry.VIEW_JOIN, lambda e, d: got.append("first"))
    telemetry.attach("one", telemetry.VIEW_JOIN, lambda e, d: got.append("second"))
    try:
        telemetry.emit(telemetry.VIEW_JOIN, {})
    finally:
        telemetry.detach("one")
    assert got == ["second"]


def test_an_unknown_event_name_is_refused() -> None:
    with pytest.raises(UnknownTelemetryEvent, match="unknown telemetry events"):
        telemetry.attach("typo", ["tether.view.evnt"], lambda e, d: None)
    assert "typo" not in telemetry.attached()


def test_a_failing_handler_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture, received: Received
) -> None:
    def broken(event: str, data: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    telemetry.attach("broken", telemetry.VIEW_JOIN, broken)
    try:
        telemetry.emit(telemetry.VIEW_JOIN, {"view": "V"})
    finally:
        telemetry.detach("broken")
    assert received == [(telemetry.VIEW_JOIN, {"view": "V"})]
    assert "telemetry handler 'broken' failed" in caplog.text


def test_a_stopwatch_reports_handler_and_render_times(received: Received) -> None:
    watch = telemetry.stopwatch(telemetry.VIEW_EVENT)
    assert watch
    watch.lap()
    watch.view_done(type("Shop", (), {}), {"0": "5"}, event_name="add")
    ((event, data),) = received
    assert event == telemetry.VIEW_EVENT
    assert data["view"] == "Shop" and data["event_name"] == "add"
    assert data["diff_bytes"] == len('{"0":"5"}')
    assert data["duration"] == pytest.approx(data["handler_time"] + data["render_time"])


def test_settings_attach_a_handler_by_dotted_path() -> None:
    telemetry.attach_from_settings(
        {"HANDLERS": {"tether.telemetry.log_event": [telemetry.GC_PAUSE]}, "LOG": False}
    )
    try:
        assert "settings:tether.telemetry.log_event" in telemetry.attached()
        assert telemetry.enabled(telemetry.GC_PAUSE)
    finally:
        telemetry.detach("settings:tether.telemetry.log_event")


def test_the_log_handler_is_attached_only_when_its_logger_shows_debug() -> None:
    logger = logging.getLogger("tether.telemetry")
    telemetry.attach_from_settings({"LOG": True})
    assert "settings:log" not in telemetry.attached()
    logger.setLevel(logging.DEBUG)
    try:
        telemetry.attach_from_settings({"LOG": True})
        assert "settings:log" in telemetry.attached()
    finally:
        logger.setLevel(logging.NOTSET)
        telemetry.detach("settings:log")


def test_the_log_handler_writes_one_line_with_milliseconds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="tether.telemetry"):
        telemetry.log_event(telemetry.VIEW_EVENT, {"view": "Counter", "duration": 0.0025})
    assert "tether.view.event view='Counter' duration=2.50ms" in caplog.text


class _Blocker:
    view_cls = type("Report", (), {})


def test_a_watchdog_stall_names_view_handler_lag_and_stack(received: Received) -> None:
    import asyncio

    async def block() -> None:
        task = asyncio.current_task()
        assert task is not None
        steps[task] = Step(_Blocker(), Mailbox.INFO, "tick")  # type: ignore[arg-type]
        try:
            dog = Watchdog(threshold_ms=20)
            dog.start()
            time.sleep(0.2)  # noqa: ASYNC251  (blocks the loop on purpose)
            dog.stop()
        finally:
            steps.pop(task, None)

    asyncio.run(block())
    stalls = [data for event, data in received if event == telemetry.WATCHDOG_STALL]
    assert stalls, "no stall reported"
    stall = stalls[0]
    assert stall["view"] == "Report" and stall["handler"] == "handle_info"
    assert stall["lag"] > 0.02
    assert "time.sleep(0.2)" in stall["stack"]


def test_a_gc_pause_reports_its_generation_and_duration(received: Received) -> None:
    import asyncio

    collector = Collector()
    loop = asyncio.new_event_loop()
    try:
        collector.install(loop, None)
        gc.collect()
    finally:
        collector.uninstall()
        loop.close()
    pauses = [data for event, data in received if event == telemetry.GC_PAUSE]
    assert any(p["generation"] == 2 and p["duration"] > 0 for p in pauses)
    assert all(isinstance(p["collected"], int) for p in pauses)


def test_handlers_may_be_attached_while_another_thread_emits() -> None:
    stop = threading.Event()

    def emitting() -> None:
        while not stop.is_set():
            telemetry.emit(telemetry.VIEW_INFO, {})

    thread = threading.Thread(target=emitting)
    thread.start()
    try:
        for n in range(200):
            telemetry.attach(f"h{n}", telemetry.VIEW_INFO, lambda e, d: None)
            telemetry.detach(f"h{n}")
    finally:
        stop.set()
        thread.join()
    assert not any(name.startswith("h") for name in telemetry.attached())
