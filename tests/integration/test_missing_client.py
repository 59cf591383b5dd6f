"""A live page whose layout loads no client says so in the log (issue 17, item 5)."""

from __future__ import annotations

import logging

import pytest

from tether.testing import LiveClient


async def test_a_layout_without_tether_scripts_is_named_once_in_the_log(
    live_client: LiveClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tether.views"):
        await live_client.get("/unscripted/")
        await live_client.get("/unscripted/")
        await live_client.get("/echo/")  # the default layout has the scripts
    warnings = [r.getMessage() for r in caplog.records if "tether_scripts" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].startswith("itest/no_client_layout.html renders a live view")
