"""tether.testing sends what the browser sends: frames recorded from both, compared.

Chromium runs the pinned Phoenix client against the demo under uvicorn, and
Playwright records every frame it sends. ``LiveClient`` does the same steps on
the same pages in this process, and keeps its own frames (``view.sent``). The
payloads must have the same shape: the same keys holding the same JSON types,
the same form fields in the same order (``_unused_`` markers included), and
the same ``_target``. Refs, tokens and typed values are not compared.

Playwright's sync API holds an event loop in the main thread, so the
``LiveClient`` side runs under ``asyncio.run`` in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qsl

import pytest

from tether.testing import LiveClient, LiveViewTest, ServerProcess
from tether.testing.plugin import _reset_process_state

SETTLED = """() => document.querySelector('[data-phx-main].phx-connected')
    && !document.querySelector(
        '[data-phx-main] [class*="-loading"], [data-phx-main] [data-phx-ref-loading]')"""


def shape(value: Any) -> Any:
    """A JSON value with every leaf replaced by its type's name."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def compare(browser: dict[str, Any], ours: dict[str, Any]) -> None:
    assert shape(ours) == shape(browser)
    if isinstance(browser.get("value"), str):  # a form: the fields, in order
        fields = [key for key, _ in parse_qsl(browser["value"], keep_blank_values=True)]
        assert [key for key, _ in parse_qsl(ours["value"], keep_blank_values=True)] == fields
    if "meta" in browser:
        assert ours["meta"].get("_target") == browser["meta"].get("_target")


def payloads(texts: list[str], event: str) -> list[dict[str, Any]]:
    """The payloads of the frames sent to a live view's topic under ``event``."""
    frames = [json.loads(text) for text in texts]
    return [f[4] for f in frames if f[2].startswith("lv:") and f[3] == event]


def events_named(texts: list[str], name: str) -> list[dict[str, Any]]:
    return [p for p in payloads(texts, "event") if p.get("event") == name]


# -- the two drivers ---------------------------------------------------------------------


def in_browser(page: Any, url: str, act: Callable[[Any], None]) -> list[str]:
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda text: sent.append(str(text))))
    page.goto(url)
    page.wait_for_function(SETTLED)
    act(page)
    page.wait_for_function(SETTLED)
    return sent


def in_process(path: str, act: Callable[[LiveViewTest], Coroutine[Any, Any, Any]]) -> list[str]:
    async def main() -> list[str]:
        try:
            async with LiveClient() as client:
                view = await client.live(path)
                await act(view)
                return list(view.sent)
        finally:
            await _reset_process_state()

    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, main()).result(timeout=60)


@pytest.fixture
def database_beside_playwright(monkeypatch: pytest.MonkeyPatch, request: Any) -> None:
    """A test database for the worker thread's ``LiveClient`` (see test_agreement)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    request.getfixturevalue("transactional_db")


# -- the tests ----------------------------------------------------------------------------


def test_the_shape_comparison_sees_a_list_target_and_a_missing_key() -> None:
    browser = {"type": "form", "value": "a=1", "meta": {"_target": "a"}}
    with pytest.raises(AssertionError):
        compare(browser, {**browser, "meta": {"_target": ["a"]}})
    with pytest.raises(AssertionError):
        compare(browser, {**browser, "cid": None})
    with pytest.raises(AssertionError):
        compare(browser, {**browser, "value": "b=1"})
    compare(browser, dict(browser))


def test_join_and_button_click_frames_match_the_browser(
    page: Any, demo_server: ServerProcess, database_beside_playwright: None
) -> None:
    def click(page: Any) -> None:
        page.click("#sort-name")

    async def click_in_process(view: LiveViewTest) -> None:
        await view.click("#sort-name")

    browser = in_browser(page, demo_server.url + "/templates/table/", click)
    ours = in_process("/templates/table/", click_in_process)
    compare(payloads(browser, "phx_join")[0], payloads(ours, "phx_join")[0])
    browser_click, our_click = events_named(browser, "sort"), events_named(ours, "sort")
    assert len(browser_click) == len(our_click) == 1
    compare(browser_click[0], our_click[0])
    assert our_click[0]["value"] == browser_click[0]["value"] == {"by": "name", "value": ""}


def test_phx_change_and_phx_submit_frames_match_the_browser(
    page: Any, demo_server: ServerProcess, database_beside_playwright: None
) -> None:
    def type_and_submit(page: Any) -> None:
        page.fill("#signup [name=name]", "Al")
        page.wait_for_function(SETTLED)
        page.click("#save")

    async def type_and_submit_in_process(view: LiveViewTest) -> None:
        await view.change("#signup", {"name": "Al"}, target="name")
        await view.submit("#signup", {"name": "Al"})

    browser = in_browser(page, demo_server.url + "/templates/form/", type_and_submit)
    ours = in_process("/templates/form/", type_and_submit_in_process)
    browser_change, our_change = events_named(browser, "validate"), events_named(ours, "validate")
    assert browser_change and our_change
    compare(browser_change[0], our_change[0])
    assert our_change[0]["meta"]["_target"] == "name"
    assert "_unused_email" in our_change[0]["value"]
    browser_submit, our_submit = events_named(browser, "save"), events_named(ours, "save")
    assert len(browser_submit) == len(our_submit) == 1
    compare(browser_submit[0], our_submit[0])
    assert "_unused_" not in our_submit[0]["value"]
