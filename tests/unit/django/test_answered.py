"""tether.django.answered: a page load leaves no reference cycle with its request or response."""

from __future__ import annotations

import asyncio
import gc
import threading
from typing import Any

import pytest
from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.test import RequestFactory

from tether.django.answered import (
    AnsweredRequest,
    adopt,
    answered,
    release_connections,
    render_page,
)


class Channel:
    """uvicorn's side of one HTTP request: the request, then a disconnect once answered."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.over = asyncio.Event()  # answered, or the client left
        self.asked = 0

    async def receive(self) -> dict[str, Any]:
        self.asked += 1
        if self.asked == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.over.wait()  # as uvicorn: one event, set by the last body
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            self.over.set()


def scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def test_a_page_load_leaves_no_cycle_holding_its_request_or_response() -> None:
    from demo.asgi import application

    channel = Channel()
    gc.collect()
    gc.disable()
    try:
        await application(scope("/counter/"), channel.receive, channel.send)
        await asyncio.sleep(0)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kept = [o for o in gc.garbage if isinstance(o, HttpRequest | HttpResponse | BaseException)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert channel.sent[0]["status"] == 200
    assert kept == [], "the request or response waited in a reference cycle for the collector"


async def test_a_disconnect_after_the_response_is_held_until_cancelled() -> None:
    channel = Channel()
    receive, send = answered(channel.receive, channel.send)
    assert (await receive())["type"] == "http.request"
    listener = asyncio.create_task(receive())
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"part", "more_body": True})
    await send({"type": "http.response.body", "body": b"end"})
    await asyncio.sleep(0.01)
    assert not listener.done(), "the disconnect after the response reached Django"
    listener.cancel()
    with pytest.raises(asyncio.CancelledError):
        await listener


async def test_a_disconnect_before_the_response_still_reaches_django() -> None:
    channel = Channel()
    receive, send = answered(channel.receive, channel.send)
    await receive()
    listener = asyncio.create_task(receive())
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"part", "more_body": True})
    channel.over.set()  # the client left in the middle of a streamed body
    assert (await asyncio.wait_for(listener, 1)) == {"type": "http.disconnect"}


def test_only_djangos_own_request_class_is_replaced() -> None:
    class Custom(ASGIRequest):
        pass

    plain, custom = ASGIHandler(), ASGIHandler()
    custom.request_class = Custom
    adopt(plain)
    adopt(custom)
    assert plain.request_class is AnsweredRequest
    assert custom.request_class is Custom


def test_a_missing_layout_is_reported_as_render_to_string_reports_it() -> None:
    reports = []
    for render in (render_to_string, render_page):
        with pytest.raises(TemplateDoesNotExist) as raised:
            render("no/such/layout.html", {}, RequestFactory().get("/"))
        reports.append((str(raised.value), raised.value.tried))
    assert reports[0] == reports[1]
    assert "no/such/layout.html" in reports[1][0]


def _in_a_request_thread(work: Any) -> Any:
    """Run ``work`` in a thread of its own, as Django's ASGI handler runs a request."""
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(work()))
    thread.start()
    thread.join()
    return out[0]


def _wrappers_left_in_cycles(request: Any) -> tuple[Any, list[BaseDatabaseWrapper]]:
    """Run ``request`` in a thread of its own; its result, and the connection
    objects the thread left for the collector."""
    gc.collect()
    gc.disable()
    try:
        result = _in_a_request_thread(request)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kept = [o for o in gc.garbage if isinstance(o, BaseDatabaseWrapper)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return result, kept


def test_a_closed_connection_of_a_request_thread_leaves_no_cycle_when_the_thread_ends() -> None:
    def request() -> bool:
        conn = connections["default"]  # made for this thread, as an ORM call makes it
        assert conn.connection is None  # closed (never opened here)
        release_connections()
        return "default" in {c.alias for c in connections.all(initialized_only=True)}

    still_there, kept = _wrappers_left_in_cycles(request)
    assert not still_there, "the closed connection stayed in the thread's connections"
    assert kept == [], "the thread's connection waited in a reference cycle for the collector"


def test_without_the_release_a_request_threads_connection_is_a_cycle() -> None:
    # What the release is for: this is what a freeze kept until the complete collection.
    def request() -> None:
        connections["default"]  # made for this thread, and left there

    _, kept = _wrappers_left_in_cycles(request)
    assert len(kept) == 1


@pytest.mark.parametrize(
    ("connection", "in_atomic_block"),
    [(object(), False), (None, True)],
    ids=["open (persistent or in memory)", "closed inside a transaction"],
)
def test_a_connection_in_use_is_left_alone(connection: Any, in_atomic_block: bool) -> None:
    class InUse:
        alias = "default"

    in_use = InUse()
    in_use.connection = connection  # type: ignore[attr-defined]
    in_use.in_atomic_block = in_atomic_block  # type: ignore[attr-defined]

    def request() -> Any:
        connections["default"] = in_use
        release_connections()
        return connections["default"]

    assert _in_a_request_thread(request) is in_use
