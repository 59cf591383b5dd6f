from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tether.testing import ServerProcess
from tether.testing.server import manage

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database with the demo user, for server processes."""
    db = tmp_path_factory.mktemp("db") / "demo.sqlite3"
    env = {"DEMO_DB": str(db), "DJANGO_SETTINGS_MODULE": "demo.settings"}
    manage(DEMO, env, ["migrate", "--verbosity", "0"], ["demo_setup"])
    return env


ServerFactory = Callable[..., ServerProcess]


@pytest.fixture
def server_factory(demo_env: dict[str, str], tmp_path: Path) -> Iterator[ServerFactory]:
    started: list[ServerProcess] = []

    def make(**env: str) -> ServerProcess:
        server = ServerProcess(
            "demo.asgi:application",
            cwd=DEMO,
            env={**demo_env, **env},
            log=tmp_path / f"server-{len(started)}.log",
        )
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


def serve_demo(
    demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """The demo server fixtures' body, whatever their scope."""
    log = tmp_path_factory.mktemp("log") / "server.log"
    with ServerProcess("demo.asgi:application", cwd=DEMO, env=demo_env, log=log) as server:
        yield server


@pytest.fixture(scope="module")
def demo_server(
    demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    yield from serve_demo(demo_env, tmp_path_factory)


class _Chromium:
    """One Chromium for a run of consecutive tests that use it (each in its own context).

    Playwright's sync API holds an event loop while it is open, which must be gone before
    a test that is not a browser test runs (asyncio tests fail under it): so it is closed
    after any test whose next test does not ask for ``browser``, and launched again when
    one does. A launch is ~1 s; modules of browser tests mostly follow each other.
    """

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None

    def get(self) -> Any:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            browser, self._browser = self._browser, None
            try:
                browser.close()
            finally:
                self._playwright.stop()
                self._playwright = None


_chromium = _Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)  # the test's fixtures first: its contexts close before the browser
    finally:
        if nextitem is None or "browser" not in getattr(nextitem, "fixturenames", ()):
            _chromium.close()


@pytest.fixture
def browser() -> Any:
    return _chromium.get()


@pytest.fixture
def page(browser: Any, server_factory: ServerFactory) -> Iterator[Any]:
    # Asks for server_factory only to be torn down before it: a page still open when its
    # server stops (e.g. on long poll after a restart) holds a poll for POLL_TIMEOUT (10 s),
    # which the SIGTERM'd uvicorn waits out before ServerProcess.stop kills it.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


#: The Redis the multi-process tests share (``make test`` starts it when it is not running).
REDIS_URL = os.environ.get("TETHER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """``REDIS_URL``, once it answers; a test that needs Redis fails saying how to start it."""
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as client:
            client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is missing at {REDIS_URL} ({exc}): start it (`make redis`).")
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A fresh key and channel namespace for one test, deleted afterwards."""
    value = f"test-{uuid.uuid4().hex[:8]}:"
    yield value
    with redis.Redis.from_url(redis_url) as client:
        keys = list(client.scan_iter(match=value + "*"))
        if keys:
            client.delete(*keys)
