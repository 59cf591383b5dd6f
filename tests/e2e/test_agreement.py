"""tether.testing and the browser agree: the same steps give the same live HTML.

Each scenario runs twice: in Chromium through the official Phoenix client
against the demo under uvicorn, and through ``LiveClient`` in this process.
The live container's inner HTML must then be equal once both sides are put in
one canonical form (attributes sorted, whitespace collapsed, and the client's
own bookkeeping removed: ``data-phx-*`` attributes and ``phx-*-loading``
classes).

Playwright's sync API holds an event loop in the main thread, so the
``LiveClient`` side runs under ``asyncio.run`` in a worker thread.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

from tether.testing import LiveClient, LiveViewTest, ServerProcess
from tether.testing.plugin import _reset_process_state

# ("click", selector) | ("fill", form, field name, value) | ("submit", form)
Step = tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    steps: Sequence[Step]


SCENARIOS = [
    Scenario("counter", "/counter/", [("click", "#inc")] * 5),
    Scenario(
        "invalid form",
        "/templates/form/",
        [
            ("fill", "#signup", "name", "Al"),
            ("fill", "#signup", "email", "not-an-email"),
            ("submit", "#signup"),
        ],
    ),
    Scenario(
        "table reorder",
        "/templates/table/",
        [
            ("click", "#sort-name"),
            ("click", "#sort-name"),
            ("click", "#sort-score"),
            ("click", "#bump"),
            ("click", "#sort-city"),
        ],
    ),
]

# -- one canonical form for both sides ---------------------------------------------------

_WS = re.compile(r"\s+")
_LOADING = re.compile(r"^phx-[a-z]+-loading$")


def canonical_html(html: str) -> str:
    """Parse, drop the client's bookkeeping, and serialise with sorted attributes."""
    soup = BeautifulSoup(html, "html.parser")
    return "".join(_canonical(node) for node in soup.contents).strip()


def _canonical(node: Any) -> str:
    if isinstance(node, Tag):
        attrs = []
        for name, value in sorted(node.attrs.items()):
            if name.startswith("data-phx-"):
                continue
            if isinstance(value, list):
                value = " ".join(v for v in value if not _LOADING.match(v))
                if name == "class" and not value:
                    continue
            attrs.append(f' {name}="{value}"')
        inner = "".join(_canonical(child) for child in node.contents)
        if node.is_empty_element:
            return f"<{node.name}{''.join(attrs)}>"
        return f"<{node.name}{''.join(attrs)}>{inner}</{node.name}>"
    if isinstance(node, NavigableString):
        text = _WS.sub(" ", str(node))
        return "" if text == " " else text
    return ""


# -- the two drivers ---------------------------------------------------------------------

SETTLED = """() => !document.querySelector(
    '[data-phx-main] [class*="-loading"], [data-phx-main] [data-phx-ref-loading]')"""


def run_in_browser(page: Any, base_url: str, scenario: Scenario) -> str:
    page.goto(base_url + scenario.path)
    page.wait_for_selector("[data-phx-main].phx-connected")
    for step in scenario.steps:
        kind, selector, *rest = step
        if kind == "click":
            page.click(selector)
        elif kind == "fill":
            page.fill(f"{selector} [name={rest[0]}]", rest[1])
        elif kind == "submit":
            page.click(f"{selector} [type=submit]")
        else:
            raise ValueError(f"unknown step {step!r}")
        page.wait_for_function(SETTLED)
    return str(page.inner_html("[data-phx-main]"))


async def _drive(view: LiveViewTest, steps: Sequence[Step]) -> None:
    typed: dict[str, dict[str, str]] = {}
    for step in steps:
        kind, selector, *rest = step
        if kind == "click":
            await view.click(selector)
        elif kind == "fill":
            form = typed.setdefault(selector, {})
            form[rest[0]] = rest[1]
            await view.change(selector, dict(form), target=rest[0])
        elif kind == "submit":
            await view.submit(selector, typed.get(selector))
        else:
            raise ValueError(f"unknown step {step!r}")


def run_in_process(scenario: Scenario) -> str:
    async def main() -> str:
        try:
            async with LiveClient() as client:
                view = await client.live(scenario.path)
                await _drive(view, scenario.steps)
                return view.html()
        finally:
            await _reset_process_state()

    with ThreadPoolExecutor(1) as worker:
        return worker.submit(asyncio.run, main()).result(timeout=60)


# -- the tests ----------------------------------------------------------------------------


def test_the_canonical_form_ignores_only_client_bookkeeping() -> None:
    server = '<form id="f" novalidate>\n  <button class="b" type="submit">Go</button>\n</form>'
    browser = (
        '<form novalidate="" id="f" data-phx-ref-src="1">'
        '<button type="submit" class="b phx-submit-loading">Go</button></form>'
    )
    assert canonical_html(server) == canonical_html(browser)
    assert canonical_html('<p class="a">1</p>') != canonical_html('<p class="b">1</p>')
    assert canonical_html("<p>1</p>") != canonical_html("<p>2</p>")


@pytest.fixture
def database_beside_playwright(monkeypatch: pytest.MonkeyPatch, request: Any) -> None:
    """A test database for the worker thread's ``LiveClient``.

    pytest-django flushes it from the main thread, where Playwright's loop makes
    Django refuse sync queries; nothing else touches the database meanwhile.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    request.getfixturevalue("transactional_db")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_browser_and_live_client_end_on_the_same_html(
    page: Any, demo_server: ServerProcess, database_beside_playwright: None, scenario: Scenario
) -> None:
    in_browser = canonical_html(run_in_browser(page, demo_server.url, scenario))
    in_process = canonical_html(run_in_process(scenario))
    assert in_process == in_browser
