"""Flame graphs of the server, by py-spy, beside a run's results.

``record(pid, path)`` is a context manager: ``py-spy record`` samples the
server for the duration of the block and writes an SVG flame graph. The
suite wraps an extra, unmeasured round of work in it (the fan-out's
broadcasts at its largest step, the round trip's clicks), so the figures
themselves are never taken with a sampler pausing the process.

A profile is a picture, not a figure: when py-spy is missing, or may not
attach (ptrace refused, as in many containers), the block still runs and
the record says why there is no graph. Nothing here fails a run.

py-spy is bounded twice: ``--duration`` stops it on its own, and the end of
the block stops it early with SIGINT (on which it writes the graph). Either
way it is waited for a bounded time, and killed by its PID if it hangs.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import servers

RATE = 100  # samples per second: py-spy's default, a 1% view of a busy core
WRITE_WITHIN = 60.0  # seconds for py-spy to write the graph once stopped


def executable() -> str | None:
    """py-spy beside this Python (a venv's bin/ need not be on PATH), else on PATH."""
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


@contextlib.contextmanager
def record(pid: int, path: Path, seconds: float = 120.0) -> Iterator[dict[str, Any]]:
    """Sample ``pid`` while the block runs (at most ``seconds``) into the SVG ``path``.

    Yields the record the suite keeps: ``svg`` (relative to the repository) once
    the graph is written, else ``error``; and the seconds sampled."""
    found: dict[str, Any] = {}
    spy = executable()
    if spy is None:
        found["error"] = "py-spy is not installed (requirements/dev.txt has it)"
        yield found
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    log = path.with_suffix(".py-spy.log")
    command = [
        spy,
        "record",
        "--pid",
        str(pid),
        "--output",
        str(path),
        "--format",
        "flamegraph",
        "--rate",
        str(RATE),
        "--duration",
        str(math.ceil(seconds)),
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    started = time.monotonic()
    try:
        yield found
    finally:
        found["seconds"] = round(time.monotonic() - started, 1)
        _stop(process)
        why = log.read_text(errors="replace").strip() if log.exists() else ""
        log.unlink(missing_ok=True)
        if path.exists() and path.stat().st_size > 0:
            found["svg"] = str(path.relative_to(servers.ROOT))
        else:
            # The last line says it best: "Permission denied", "No such process"...
            last = why.splitlines()[-1] if why else f"py-spy exited with {process.returncode}"
            found["error"] = f"no flame graph: {last[:300]}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT (py-spy then writes its graph), a bounded wait, then SIGKILL, all by PID."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGINT)
    try:
        process.wait(WRITE_WITHIN)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        process.wait()


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """One table row per flame graph: where it is, or why there is none."""
    rows = []
    for name, found in figures.get("flames", {}).items():
        label = f"flame graph: {found.get('what', name)}"
        if "svg" in found:
            rows.append((label, "svg", "", f"{found['svg']} ({found['seconds']:.0f} s sampled)"))
        else:
            rows.append((label, "n/a", "", found.get("error", "not recorded")[:120]))
    return rows
