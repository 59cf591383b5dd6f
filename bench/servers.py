"""The servers under test, each a child process, and what /proc says about them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tether.testing import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo"
RESULTS = Path(__file__).resolve().parent / "results"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class DemoDatabase:
    """A migrated SQLite database in a temporary folder, removed at the end."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="tether-bench-")
        self.path = Path(self._dir.name) / "demo.sqlite3"
        self.logs = Path(self._dir.name)
        env = {**os.environ, "DEMO_DB": str(self.path), "DJANGO_SETTINGS_MODULE": "demo.settings"}
        for command in (["migrate", "--verbosity", "0"], ["demo_setup"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=DEMO,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                timeout=120,
            )

    def cleanup(self) -> None:
        self._dir.cleanup()


def demo_server(db: DemoDatabase, name: str) -> ServerProcess:
    env = {"DEMO_DB": str(db.path), "DJANGO_DEBUG": "0"}
    log = db.logs / f"{name}.log"
    return ServerProcess("demo.asgi:application", cwd=DEMO, env=env, log=log).start()


def echo_server(db: DemoDatabase) -> ServerProcess:
    log = db.logs / "echo.log"
    return ServerProcess("bench.echo_app:app", cwd=ROOT, log=log).start()


def rss_bytes(pid: int) -> int:
    """The resident set size (VmRSS) of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def settle_rss(pid: int, seconds: float = 1.0) -> int:
    """RSS after the server has had a moment to finish work in flight."""
    time.sleep(seconds)
    return rss_bytes(pid)


def page_exists(base: str, path: str) -> bool:
    try:
        return httpx.get(base + path, timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


def wait_idle(pid: int, timeout: float = 30.0, threshold: float = 0.05) -> None:
    """Wait (bounded) until the server uses under ``threshold`` of a core for 0.5 s."""
    deadline = time.monotonic() + timeout
    before = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        after = cpu_seconds(pid)
        if after - before < threshold * 0.5:
            return
        before = after


class Probe:
    """The demo served through ``bench.instrumented``, and what it reports on SIGUSR1."""

    def __init__(self, db: DemoDatabase, name: str, tracemalloc_frames: int = 0) -> None:
        self.dir = db.logs / f"probe-{name}"
        self.dir.mkdir(exist_ok=True)
        self.dumps = 0
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        env = {
            "DEMO_DB": str(db.path),
            "DJANGO_DEBUG": "0",
            "PYTHONPATH": path,
            "BENCH_PROBE_DIR": str(self.dir),
            "BENCH_TRACEMALLOC": str(tracemalloc_frames),
        }
        log = db.logs / f"{name}.log"
        self.server = ServerProcess(
            "bench.instrumented:application", cwd=DEMO, env=env, log=log
        ).start()

    def dump(self, timeout: float = 120.0) -> dict[str, object]:
        """Ask for a report and wait (bounded) for it; the GC figures."""
        import json
        import signal

        self.dumps += 1
        os.kill(self.server.pid, signal.SIGUSR1)
        done = self.dir / f"{self.dumps}.done"
        deadline = time.monotonic() + timeout
        while not done.exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server wrote no probe report within {timeout:.0f}s")
            time.sleep(0.1)
        report: dict[str, object] = json.loads((self.dir / "gc.json").read_text())
        return report

    def reset(self) -> None:
        """Forget the GC pauses so far (startup and warm-up)."""
        import signal

        os.kill(self.server.pid, signal.SIGUSR2)

    def snapshot(self, number: int) -> Path:
        return self.dir / f"{number}.tracemalloc"
