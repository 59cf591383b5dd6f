"""The demo's ASGI app, with probes a process can only take from inside.

``uvicorn bench.instrumented:application`` (with the demo on the path) serves
exactly ``demo.asgi:application``, plus:

- every garbage collection is timed through ``gc.callbacks``: its wall time,
  and the CPU time of the thread that ran it (``time.thread_time``), which
  leaves out the time the process waited for a core (on 2 cores shared with
  the load generator, a few milliseconds to tens at a time);
- with ``BENCH_TRACEMALLOC=<frames>``, ``tracemalloc`` traces allocations;
- on ``SIGUSR1`` the process writes what it saw to ``BENCH_PROBE_DIR``:
  ``gc.json`` (the longest pauses per generation) and, when tracing,
  ``<n>.tracemalloc`` snapshots. When ``complete.request`` is in that folder,
  it first runs Tether's complete collection (the one ``GC["FULL_EVERY"]``
  makes) and reports that pause on its own: Python's own collections are the
  figure the others are.

Nothing in ``src/`` changes; the GC timing costs two clock reads per collection.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import time
import tracemalloc
from pathlib import Path
from types import FrameType
from typing import Any

_FRAMES = int(os.environ.get("BENCH_TRACEMALLOC", "0"))
if _FRAMES:
    tracemalloc.start(_FRAMES)

from demo.asgi import application  # noqa: E402

__all__ = ["application"]

_OUT = Path(os.environ.get("BENCH_PROBE_DIR", "."))
_started = 0.0
_started_cpu = 0.0
_max: dict[int, float] = {0: 0.0, 1: 0.0, 2: 0.0}
_max_cpu: dict[int, float] = {0: 0.0, 1: 0.0, 2: 0.0}
_counts: dict[int, int] = {0: 0, 1: 0, 2: 0}
_dumps = 0


def _timer(phase: str, info: dict[str, Any]) -> None:
    global _started, _started_cpu
    if phase == "start":
        _started = time.perf_counter()
        _started_cpu = time.thread_time()
        return
    pause = time.perf_counter() - _started
    cpu = time.thread_time() - _started_cpu
    generation = int(info.get("generation", 0))
    _counts[generation] += 1
    _max[generation] = max(_max[generation], pause)
    _max_cpu[generation] = max(_max_cpu[generation], cpu)


def _complete() -> dict[str, float]:
    """Time Tether's complete collection, kept out of Python's own pauses."""
    from tether.live.collector import collector

    frozen = gc.get_freeze_count()
    kept = dict(_max), dict(_max_cpu), dict(_counts)
    started = time.perf_counter()
    found = collector.complete()
    pause = time.perf_counter() - started
    _max.update(kept[0])
    _max_cpu.update(kept[1])
    _counts.update(kept[2])
    return {"complete_ms": pause * 1e3, "frozen_objects": frozen, "dead_objects": found}


def _dump(signum: int, frame: FrameType | None) -> None:
    request = _OUT / "complete.request"
    if request.exists():
        # Not from here: a signal handler can run inside a collection (in a gc
        # callback), where gc.collect() returns at once without collecting.
        request.unlink()
        # The handler runs on the event loop's thread, between its callbacks.
        asyncio.get_running_loop().call_soon_threadsafe(lambda: _write(_complete()))
        return
    _write({})


def _write(report: dict[str, Any]) -> None:
    global _dumps
    _dumps += 1
    report.update(
        {
            "max_pause_ms": {str(g): v * 1e3 for g, v in _max.items()},
            "max_pause_cpu_ms": {str(g): v * 1e3 for g, v in _max_cpu.items()},
            "collections": {str(g): n for g, n in _counts.items()},
            "objects": len(gc.get_objects()),
        }
    )
    (_OUT / "gc.json").write_text(json.dumps(report))
    if tracemalloc.is_tracing():
        tracemalloc.take_snapshot().dump(str(_OUT / f"{_dumps}.tracemalloc"))
    (_OUT / f"{_dumps}.done").write_text("")


def reset() -> None:
    for generation in _max:
        _max[generation] = _max_cpu[generation] = 0.0
        _counts[generation] = 0


gc.callbacks.append(_timer)
signal.signal(signal.SIGUSR1, _dump)
signal.signal(signal.SIGUSR2, lambda signum, frame: reset())
