"""Issue 18, several processes: long poll is sticky, and a page moves through the state store.

A long-poll connection lives in one process's memory (docs/longpoll.md): a
request that reaches another process is answered 410, and the client opens a
new connection and rejoins its views. Behind a sticky proxy that only happens
when a process goes away; its shutdown freezes the views to Redis and the
page resumes on the next process, over long poll, with its state.
"""

from __future__ import annotations

from typing import Any

import httpx
from tests.e2e.proxy import SwitchProxy
from tests.e2e.test_browser_state import _fill_wizard

REDIS = {"TETHER_REDIS_URL": "redis://127.0.0.1:6379/0", "TETHER_REDIS_PREFIX": "lp-test:"}


def test_a_token_from_one_process_is_gone_on_another(server_factory: Any) -> None:
    first, second = server_factory(**REDIS), server_factory(**REDIS)
    with httpx.Client() as client:
        client.get(first.url + "/counter/")
        query = {"_csrf_token": "x" * 64, "vsn": "2.0.0"}
        opened = client.get(first.url + "/live/longpoll", params=query).json()
        assert opened["status"] == 410 and opened["token"]
        with_token = {**query, "token": opened["token"]}
        assert client.get(second.url + "/live/longpoll", params=with_token).json() == {
            "status": 410
        }
        # The issuing process still knows it: nothing waiting, so the poll answers 204.
        polled = client.get(first.url + "/live/longpoll", params=with_token, timeout=30)
        assert polled.json()["status"] == 204


def test_a_long_poll_page_resumes_on_another_process_through_redis(
    browser: Any, server_factory: Any
) -> None:
    first, second = server_factory(**REDIS), server_factory(**REDIS)
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
            first.stop()  # SIGTERM: the long-poll views are frozen to Redis
            page.wait_for_function("window.__opens >= 1")
            page.wait_for_selector("[data-phx-main].phx-connected")
            assert page.text_content("#step") == "Step 2 of 3"
            assert page.input_value("#email") == "ada@example.com"
            assert page.locator("#items li").all_text_contents() == ["milk", "bread"]
            assert page.evaluate("window.liveSocket.getSocket().transport === Phoenix.LongPoll")
    finally:
        context.close()
