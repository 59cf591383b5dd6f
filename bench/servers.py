"""The servers under test, each a child process, and what /proc says about them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from tether.testing import ServerProcess
from tether.testing.server import manage

#: The Redis the multi-process steps use (the machine's own, loopback only).
REDIS_URL = "redis://127.0.0.1:6379/0"

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
        env = {"DEMO_DB": str(self.path), "DJANGO_SETTINGS_MODULE": "demo.settings"}
        manage(DEMO, env, ["migrate", "--verbosity", "0"], ["demo_setup"])

    def cleanup(self) -> None:
        self._dir.cleanup()


def demo_env(db: DemoDatabase) -> dict[str, str]:
    """What every demo server gets: the bench's database, DEBUG off, and a file
    cache (frozen state of closed pages) in the run's temporary folder."""
    return {
        "DEMO_DB": str(db.path),
        "DJANGO_DEBUG": "0",
        "TETHER_CACHE_DIR": str(db.logs / "cache"),
        # One bench page clicks as fast as replies come back, far past a person's
        # rate: lift the per-connection limit (the join-flood step puts it back).
        "TETHER_RATE_PER_SECOND": "1000000",
    }


def demo_server(db: DemoDatabase, name: str, env: dict[str, str] | None = None) -> ServerProcess:
    """The demo under uvicorn, with the flags of ``ServerProcess`` (``DEFAULT_WS``)."""
    log = db.logs / f"{name}.log"
    env = {**demo_env(db), **(env or {})}
    return ServerProcess("demo.asgi:application", cwd=DEMO, env=env, log=log).start()


def echo_server(db: DemoDatabase) -> ServerProcess:
    """The echo app under the same ``ServerProcess`` flags as the demo."""
    log = db.logs / "echo.log"
    return ServerProcess("bench.echo_app:app", cwd=ROOT, log=log).start()


def run_step(module: str, *args: str, root: Path = ROOT, timeout: float = 600.0) -> dict[str, Any]:
    """Run ``python -m module args`` in a child process with the demo's settings on the
    path, and return the JSON object it prints: a step measured in a fresh heap."""
    paths = [str(root / "src"), str(root / "examples" / "demo"), str(root)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def log_tail(server: ServerProcess, lines: int = 20) -> str:
    """The last lines of a server's log, for a report of why a step fell short."""
    if server.log is None or not server.log.exists():
        return ""
    return "\n".join(server.log.read_text(errors="replace").splitlines()[-lines:])


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


def memory_step(
    target: int, opened: dict[str, Any], rss: int, baseline: int, steps: list[dict[str, Any]]
) -> dict[str, Any]:
    """One step of pages opened (``opened``: what ``Swarm.open`` answered): RSS over
    the baseline per open page and, after the first step, what each of this step's
    pages added: the process's one-off high-water marks (a crowd of page loads in
    flight, the first round trip) count in the first step's figure only."""
    count = opened["open"]
    step: dict[str, Any] = {
        "target": target,
        "open": count,
        "failed": opened["failed"],
        "errors": opened["errors"],
        "rss_bytes": rss,
        "per_page_bytes": (rss - baseline) / count if count else None,
    }
    if steps:
        added = count - steps[-1]["open"]
        step["added_per_page_bytes"] = (rss - steps[-1]["rss_bytes"]) / added if added > 0 else None
    return step


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

    def __init__(
        self,
        db: DemoDatabase,
        name: str,
        tracemalloc_frames: int = 0,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.dir = db.logs / f"probe-{name}"
        self.dir.mkdir(exist_ok=True)
        self.dumps = 0
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        env = {
            **demo_env(db),
            "PYTHONPATH": path,
            "BENCH_PROBE_DIR": str(self.dir),
            "BENCH_TRACEMALLOC": str(tracemalloc_frames),
            **(extra_env or {}),
        }
        log = db.logs / f"{name}.log"
        self.server = ServerProcess(
            "bench.instrumented:application", cwd=DEMO, env=env, log=log
        ).start()

    def dump(self, timeout: float = 120.0, complete: bool = False) -> dict[str, Any]:
        """Ask for a report and wait (bounded) for it; the GC figures. ``complete``
        first times Tether's complete collection (``complete_ms``)."""
        import json
        import signal

        self.dumps += 1
        if complete:
            (self.dir / "complete.request").write_text("")
        os.kill(self.server.pid, signal.SIGUSR1)
        done = self.dir / f"{self.dumps}.done"
        deadline = time.monotonic() + timeout
        while not done.exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server wrote no probe report within {timeout:.0f}s")
            time.sleep(0.1)
        report: dict[str, Any] = json.loads((self.dir / "gc.json").read_text())
        return report

    def reset(self) -> None:
        """Forget the GC pauses so far (startup and warm-up)."""
        import signal

        os.kill(self.server.pid, signal.SIGUSR2)

    def snapshot(self, number: int) -> Path:
        return self.dir / f"{number}.tracemalloc"


def redis_missing(timeout: float = 2.0) -> str | None:
    """None when Redis answers at ``REDIS_URL``, else why not (a step says so and goes on)."""
    import redis

    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=timeout) as client:
            client.ping()
    except redis.RedisError as exc:
        return f"Redis is not running at {REDIS_URL} ({exc})"
    return None
