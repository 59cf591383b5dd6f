"""The Phoenix-derived browser tests share one demo server (and, as consecutive
browser tests, one Chromium: tests/conftest.py).

Every test here opens its own page (a fresh browser context) on its own lab URL, so
nothing depends on a fresh process: starting the server once for the directory, rather
than once per module (29 of them), saves its start-up each module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import serve_demo
from tether.testing import ServerProcess


@pytest.fixture(scope="package")
def demo_server(
    demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    yield from serve_demo(demo_env, tmp_path_factory)
