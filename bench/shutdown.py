"""A deploy, measured: SIGTERM with many chat pages open.

Every open view must be frozen to the state store before the process exits,
so the pages resume after the restart. Reported: how long the process took
to exit after SIGTERM, how many states reached the store (the demo's file
cache, one file per frozen view), and how many freezes the log says failed.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

FAILED = "freeze failed"


def stored(cache: Path) -> int:
    return sum(1 for f in cache.iterdir() if f.suffix == ".djcache") if cache.exists() else 0


def measure(server: Any, cache: Path, opened: int) -> dict[str, Any]:
    """SIGTERM ``server`` (``opened`` views open) and wait for it to exit."""
    before = stored(cache)
    started = time.monotonic()
    server.stop(signal.SIGTERM, timeout=300.0)
    seconds = time.monotonic() - started
    log = server.log.read_text(errors="replace") if server.log else ""
    return {
        "open": opened,
        "exit_seconds": seconds,
        "frozen": stored(cache) - before,
        "failed": log.count(FAILED),
    }
