"""The Phoenix-derived browser tests share one demo server and one Chromium.

Every test here is synchronous and opens its own page (a fresh browser context) on its
own lab URL, so nothing depends on a fresh process: starting both once for the
directory, rather than once per module (29 of them), saves about 2 s a module.
Playwright's sync API holds an event loop while the browser is open; the directory
has no asyncio test, and the browser is closed before the next directory's tests run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, DEMO
from tether.testing import ServerProcess


@pytest.fixture(scope="package")
def demo_server(
    demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp("log") / "server.log"
    with ServerProcess("demo.asgi:application", cwd=DEMO, env=demo_env, log=log) as server:
        yield server


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
