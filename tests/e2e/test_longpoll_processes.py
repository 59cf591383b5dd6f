"""Issue 18, several processes: a long-poll page moves through the state store.

A long-poll connection lives in one process's memory (docs/longpoll.md): a
request that reaches another process is answered 410, once the process that
held the connection has closed it and frozen its views to Redis (it is asked
over pub/sub); the client opens a new connection there, rejoins, and its views
resume. Sticky sessions keep that rare; a deploy is one such move.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from tests.e2e.proxy import SwitchProxy
from tests.e2e.test_browser_state import _fill_wizard

REDIS = {"TETHER_REDIS_URL": "redis://127.0.0.1:6379/0", "TETHER_REDIS_PREFIX": "lp-test:"}
# For the browser test, only to save time: a refused WebSocket falls back once the client's
# retries are FALLBACK_MS apart (~7.5 s at 2,500 ms, ~3 s at 1,000), and stopping a process
# waits out the poll it holds (POLL_TIMEOUT, 10 s by default). The move tested is the same.
QUICK = {"TETHER_LONGPOLL_FALLBACK_MS": "1000", "TETHER_LONGPOLL_POLL_TIMEOUT": "2"}


class Poller:
    """A long-poll client by hand: one page, dead-rendered by ``base``, polled anywhere."""

    def __init__(self, http: httpx.Client, base: str) -> None:
        html = http.get(base + "/counter/").text
        div = re.search(r'<div id="(phx-[^"]+)" data-phx-main[^>]*>', html)
        assert div
        self.http = http
        self.topic = "lv:" + div.group(1)
        self.csrf = _attr(html, 'name="csrf-token" content')
        self.join_payload = {
            "url": base + "/counter/",
            "params": {"_csrf_token": self.csrf, "_mounts": 0},
            "session": _attr(div.group(0), "data-phx-session"),
            "static": _attr(div.group(0), "data-phx-static"),
        }
        self.token = ""

    def request(self, method: str, base: str, body: str = "") -> dict[str, Any]:
        params = {"_csrf_token": self.csrf, "vsn": "2.0.0", "token": self.token}
        headers = {"Origin": base, "Content-Type": "application/x-ndjson"}
        url = base + "/live/longpoll"
        answer = self.http.request(method, url, params=params, content=body, headers=headers)
        result: dict[str, Any] = answer.json()
        return result

    def open(self, base: str) -> None:
        self.token = ""
        self.token = self.request("GET", base)["token"]

    def send(self, base: str, *events: str, mounts: int = 0) -> None:
        join = {**self.join_payload, "params": {**self.join_payload["params"], "_mounts": mounts}}
        frames = [["1", "1", self.topic, "phx_join", join]]
        frames += [
            ["1", str(n), self.topic, "event", {"type": "click", "event": e, "value": {}}]
            for n, e in enumerate(events, 2)
        ]
        body = "\n".join(json.dumps(frame) for frame in frames)
        assert self.request("POST", base, body)["status"] == 200

    def replies(self, base: str, count: int) -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []
        for _ in range(20):
            answer = self.request("GET", base)
            frames = [json.loads(text) for text in answer.get("messages", [])]
            got += [f[4] for f in frames if f[3] == "phx_reply"]
            if len(got) >= count:
                return got
        raise AssertionError(f"{count} replies expected, got {got}")


def _attr(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html)
    assert match, name
    return match.group(1)


def test_a_token_that_reaches_another_process_moves_the_page_with_its_state(
    server_factory: Any,
) -> None:
    first, second = server_factory(**REDIS), server_factory(**REDIS)
    with httpx.Client(timeout=30) as http:
        page = Poller(http, first.url)
        page.open(first.url)
        page.send(first.url, "inc", "inc", "inc")
        assert page.replies(first.url, 4)[-1]["response"] == {"diff": {"0": "3"}}
        # The balancer sends the next poll to the second process: it answers 410
        # once the first has closed the connection and frozen the view.
        assert page.request("GET", second.url) == {"status": 410}
        assert page.request("GET", first.url) == {"status": 410}
        # The client opens a new connection there and rejoins: the count resumes.
        page.open(second.url)
        page.send(second.url, mounts=1)
        (join,) = page.replies(second.url, 1)
        assert join["response"]["rendered"]["0"] == "3"


def test_a_long_poll_page_resumes_on_another_process_through_redis(
    browser: Any, server_factory: Any
) -> None:
    first, second = server_factory(**REDIS, **QUICK), server_factory(**REDIS, **QUICK)
    context = browser.new_context()
    context.route_web_socket("**/live/websocket*", lambda ws: ws.close(code=1011))
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        with SwitchProxy(first.port) as proxy:
            page.goto(proxy.url + "/wizard/")
            _fill_wizard(page)
            assert page.evaluate("window.liveSocket.getSocket().transport === Phoenix.LongPoll")
            page.evaluate(
                "() => { window.__opens = 0;"
                " window.liveSocket.getSocket().onOpen(() => { window.__opens += 1; }); }"
            )
            proxy.upstream = second.port  # the sticky process goes away: a deploy
            # SIGTERM: the long-poll views are frozen to Redis. uvicorn first waits for the
            # poll it holds (up to POLL_TIMEOUT), so the deploy's grace period must be
            # longer than that, as docs/longpoll.md says; 10 s was a race.
            first.stop(timeout=30.0)
            page.wait_for_function("window.__opens >= 1")
            page.wait_for_selector("[data-phx-main].phx-connected")
            assert page.text_content("#step") == "Step 2 of 3"
            assert page.input_value("#email") == "ada@example.com"
            assert page.locator("#items li").all_text_contents() == ["milk", "bread"]
            assert page.evaluate("window.liveSocket.getSocket().transport === Phoenix.LongPoll")
    finally:
        context.close()
