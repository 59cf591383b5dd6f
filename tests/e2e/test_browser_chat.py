"""The chat room in real Chromium: one process in memory, and two processes through Redis."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tether.testing import ServerProcess
from tether.testing.server import free_port

CONNECTED = "[data-phx-main].phx-connected"


def _open(browser: Any, url: str) -> Any:
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    page.goto(url)
    page.wait_for_selector(CONNECTED)
    return page


def _name(page: Any) -> str:
    return str(page.text_content("#me"))


def _present(page: Any) -> list[str]:
    return list(page.locator("#present li").all_text_contents())


def _wait_present(page: Any, names: list[str], timeout: float = 10_000) -> None:
    page.wait_for_function(
        "(names) => JSON.stringify([...document.querySelectorAll('#present li')]"
        ".map(li => li.textContent).sort()) === JSON.stringify(names)",
        arg=sorted(names),
        timeout=timeout,
    )


def _post(page: Any, text: str) -> None:
    page.fill("#body", text)
    page.click("#send")


def _wait_message(page: Any, text: str, timeout: float = 10_000) -> None:
    page.wait_for_function(
        "(t) => [...document.querySelectorAll('#messages li')]"
        ".some(li => li.textContent.includes(t))",
        arg=text,
        timeout=timeout,
    )


def test_two_people_see_each_other_and_their_messages(
    browser: Any, demo_server: ServerProcess
) -> None:
    url = demo_server.url + "/chat/memory-room/"
    ada, bob = _open(browser, url), _open(browser, url)
    names = [_name(ada), _name(bob)]
    _wait_present(ada, names)
    _wait_present(bob, names)
    _post(ada, "hello from ada")
    _wait_message(bob, "hello from ada")
    _post(bob, "hi ada")
    _wait_message(ada, "hi ada")
    assert ada.input_value("#body") == ""
    bob.context.close()
    _wait_present(ada, [names[0]])
    ada.context.close()


def test_an_empty_message_shows_an_error_and_is_not_sent(
    browser: Any, demo_server: ServerProcess
) -> None:
    url = demo_server.url + "/chat/errors-room/"
    ada, bob = _open(browser, url), _open(browser, url)
    _post(ada, "   ")
    ada.wait_for_selector("#chat-error")
    assert "Write something first." in str(ada.text_content("#chat-error"))
    assert bob.locator("#messages li").count() == 0
    _post(ada, "now a real one")
    _wait_message(bob, "now a real one")
    ada.wait_for_selector("#chat-error", state="detached")
    for page in (ada, bob):
        page.context.close()


@pytest.fixture
def own_redis() -> Iterator[tuple[int, Any]]:
    """A Redis server of this test's own, so that it can be killed and restarted."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (make test installs it)"
    port = free_port()

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                import socket

                socket.create_connection(("127.0.0.1", port), 0.2).close()
                return process
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    holder = {"process": start()}

    def stop() -> None:
        holder["process"].kill()
        holder["process"].wait()

    def restart() -> None:
        holder["process"] = start()

    yield port, (stop, restart)
    stop()


def _two_nodes(server_factory: Any, port: int) -> tuple[Any, Any]:
    env = {"TETHER_REDIS_URL": f"redis://127.0.0.1:{port}/0", "TETHER_PRESENCE_TTL": "3"}
    return server_factory(**env), server_factory(**env)


def test_two_processes_share_messages_and_presence_through_redis(
    browser: Any, server_factory: Any, own_redis: tuple[int, Any]
) -> None:
    node_a, node_b = _two_nodes(server_factory, own_redis[0])
    ada = _open(browser, node_a.url + "/chat/redis-room/")
    bob = _open(browser, node_b.url + "/chat/redis-room/")
    names = [_name(ada), _name(bob)]
    _wait_present(ada, names)
    _wait_present(bob, names)
    _post(ada, "from process A")
    _wait_message(bob, "from process A")
    _post(bob, "from process B")
    _wait_message(ada, "from process B")

    # kill -9 of process B: its user leaves A's list within the bound (3 s here).
    os.kill(node_b.pid, signal.SIGKILL)
    _wait_present(ada, [names[0]], timeout=15_000)
    _post(ada, "still serving")
    _wait_message(ada, "still serving")
    for page in (ada, bob):
        page.context.close()


def test_broadcasts_work_again_after_redis_restarts(
    browser: Any, server_factory: Any, own_redis: tuple[int, Any]
) -> None:
    port, (stop_redis, start_redis) = own_redis
    node_a, node_b = _two_nodes(server_factory, port)
    ada = _open(browser, node_a.url + "/chat/restart-room/")
    bob = _open(browser, node_b.url + "/chat/restart-room/")
    counter = _open(browser, node_a.url + "/counter/")
    _post(ada, "before the restart")
    _wait_message(bob, "before the restart")

    # A dead Redis: a clear error for the poster, nothing lost, everyone else served.
    stop_redis()
    _post(ada, "while redis is down")
    ada.wait_for_selector("#chat-error")
    assert "Live delivery is down" in str(ada.text_content("#chat-error"))
    _wait_message(ada, "while redis is down")  # saved, and shown to its author
    counter.click("#inc")
    counter.wait_for_function("document.querySelector('#count').textContent === '1'")

    start_redis()
    # Neither process restarts; their subscribers reconnect with backoff.
    deadline = time.monotonic() + 30
    attempt = 0
    while True:
        attempt += 1
        text = f"after the restart {attempt}"
        _post(ada, text)
        try:
            _wait_message(bob, text, timeout=2_000)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
    for page in (ada, bob, counter):
        page.context.close()
