"""Issue 18: live pages in real Chromium whose WebSocket is blocked fall back to long poll.

Playwright intercepts the page's WebSocket (``route_web_socket``): a refused
upgrade is closed at once, as a proxy that refuses it does; a black-holed one
"opens" and never answers, as a proxy that accepts the upgrade and passes
nothing does. Either way the pinned client falls back to ``/live/longpoll``
after ``longPollFallbackMs`` and the page works on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import DEMO
from tether import protocol
from tether.testing import ServerProcess

SOCKET = "**/live/websocket*"
CONNECTED = "[data-phx-main].phx-connected"
FELL_BACK = "fell back to long polling"


class Tab:
    """A page of its own browser context, with its console and long-poll requests."""

    def __init__(self, browser: Any, *, websocket: str = "refused") -> None:
        self.context = browser.new_context()
        if websocket == "refused":
            self.context.route_web_socket(SOCKET, lambda ws: ws.close(code=1011))
        elif websocket == "black-holed":
            self.context.route_web_socket(SOCKET, lambda ws: None)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.polls: list[str] = []
        self.requests: list[Any] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("request", self._request)

    def _request(self, request: Any) -> None:
        if "/live/longpoll" in request.url:
            self.polls.append(request.method)
            self.requests.append(request)

    def open(self, url: str) -> Any:
        self.page.goto(url)
        self.page.wait_for_selector(CONNECTED)
        return self.page

    def transport(self) -> str:
        return str(
            self.page.evaluate(
                "window.liveSocket.getSocket().transport === Phoenix.LongPoll"
                " ? 'longpoll' : 'websocket'"
            )
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def quick_server(
    demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """The demo with a 1,000 ms fallback, only to save time: a refused WebSocket falls back
    once the client's retries are that far apart (~3 s here, ~7.5 s at the default 2,500)."""
    log = tmp_path_factory.mktemp("log") / "server.log"
    env = {**demo_env, "TETHER_LONGPOLL_FALLBACK_MS": "1000"}
    with ServerProcess("demo.asgi:application", cwd=DEMO, env=env, log=log) as server:
        yield server


@pytest.fixture
def tabs(browser: Any) -> Iterator[list[Tab]]:
    opened: list[Tab] = []
    yield opened
    for tab in opened:
        tab.close()


def _tab(tabs: list[Tab], browser: Any, websocket: str = "refused") -> Tab:
    tab = Tab(browser, websocket=websocket)
    tabs.append(tab)
    return tab


def test_the_counter_works_over_long_poll_and_the_console_says_so(
    browser: Any, tabs: list[Tab], quick_server: ServerProcess
) -> None:
    tab = _tab(tabs, browser)
    page = tab.open(quick_server.url + "/counter/")
    for n in range(1, 4):
        page.click("#inc")
        page.wait_for_function(
            "(n) => document.querySelector('#count').textContent === String(n)", arg=n
        )
    assert tab.transport() == "longpoll"
    assert "POST" in tab.polls and "GET" in tab.polls
    assert any(FELL_BACK in line for line in tab.console), tab.console
    # What tether.testing's long-poll client sends is what Chromium sent here.
    posts = [r for r in tab.requests if r.method == "POST"]
    assert all(r.headers["content-type"] == protocol.LONGPOLL_BATCH_TYPE for r in posts)
    for request in posts:
        for line in request.post_data.split("\n"):
            assert len(protocol.decode(line)) == 5
    first, *later = [parse_qs(urlsplit(r.url).query) for r in tab.requests]
    assert protocol.LONGPOLL_TOKEN_PARAM not in first
    for query in later:
        assert {protocol.CSRF_PARAM, protocol.VSN_PARAM, protocol.LONGPOLL_TOKEN_PARAM} <= set(
            query
        )


def test_a_black_holed_websocket_falls_back_after_the_delay(
    browser: Any, tabs: list[Tab], quick_server: ServerProcess
) -> None:
    tab = _tab(tabs, browser, websocket="black-holed")
    page = tab.open(quick_server.url + "/counter/")
    page.click("#inc")
    page.wait_for_function("document.querySelector('#count').textContent === '1'")
    assert tab.transport() == "longpoll"
    assert any(FELL_BACK in line for line in tab.console), tab.console


def test_a_page_whose_websocket_works_stays_on_it_and_says_nothing(
    browser: Any, tabs: list[Tab], demo_server: ServerProcess
) -> None:
    tab = _tab(tabs, browser, websocket="open")
    page = tab.open(demo_server.url + "/counter/")
    page.click("#inc")
    page.wait_for_function("document.querySelector('#count').textContent === '1'")
    assert tab.transport() == "websocket" and tab.polls == []
    assert not any(FELL_BACK in line for line in tab.console)


def test_the_chat_on_long_poll_and_on_a_websocket_share_one_room(
    browser: Any, tabs: list[Tab], quick_server: ServerProcess
) -> None:
    url = quick_server.url + "/chat/longpoll-room/"
    ada_tab, bob_tab = _tab(tabs, browser), _tab(tabs, browser, websocket="open")
    ada, bob = ada_tab.open(url), bob_tab.open(url)
    assert (ada_tab.transport(), bob_tab.transport()) == ("longpoll", "websocket")
    names = sorted([str(ada.text_content("#me")), str(bob.text_content("#me"))])
    for page in (ada, bob):
        page.wait_for_function(
            "(names) => JSON.stringify([...document.querySelectorAll('#present li')]"
            ".map(li => li.textContent).sort()) === JSON.stringify(names)",
            arg=names,
        )
    for sender, receiver, text in ((ada, bob, "from long poll"), (bob, ada, "from a socket")):
        sender.fill("#body", text)
        sender.click("#send")
        receiver.wait_for_function(
            "(t) => [...document.querySelectorAll('#messages li')]"
            ".some(li => li.textContent.includes(t))",
            arg=text,
        )
    # Ada closes her tab: her dropped poll closes the connection, and she leaves.
    ada_tab.close()
    tabs.remove(ada_tab)
    bob.wait_for_function(
        "(me) => [...document.querySelectorAll('#present li')].every(li => li.textContent === me)",
        arg=str(bob.text_content("#me")),
    )


def test_a_form_works_over_long_poll(
    browser: Any, tabs: list[Tab], quick_server: ServerProcess
) -> None:
    tab = _tab(tabs, browser)
    page = tab.page
    response = page.goto(quick_server.url + "/feedback/")
    dead = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text())
    assert dead
    page.wait_for_selector(CONNECTED)
    page.wait_for_function("document.querySelector('#mode').textContent.startsWith('Connected')")
    assert tab.transport() == "longpoll"
    page.fill("textarea[name=message]", "hello")  # phx-change, over long poll
    page.wait_for_function("document.querySelector('#length').textContent === '5'")
    with page.expect_navigation() as navigation:  # a plain POST with the live token
        page.click("#send")
    assert navigation.value.status == 200
    assert page.text_content("#message") == "hello"


def test_with_the_fallback_turned_off_a_blocked_page_never_polls(
    browser: Any, tabs: list[Tab], server_factory: Any
) -> None:
    server = server_factory(TETHER_LONGPOLL_FALLBACK_MS="0")
    tab = _tab(tabs, browser)
    tab.page.goto(server.url + "/counter/")
    # The client retries its socket with backoff; wait for a few refusals.
    tab.page.wait_for_function("window.liveSocket.getSocket().reconnectTimer.tries >= 2")
    assert tab.polls == []
    assert tab.page.locator(CONNECTED).count() == 0
