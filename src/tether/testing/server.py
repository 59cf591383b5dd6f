"""Run a Django project under uvicorn in a child process, on loopback only.

Used by end-to-end tests and benchmarks: it starts, stops (by PID) and
restarts on the same port, so clients can be seen reconnecting.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

# The server's own frame limit: uvicorn refuses a larger frame from its header
# (close 1009) instead of buffering up to its 16 MiB default. A little above
# MAX_FRAME_BYTES (256 KiB), so frames between get Tether's own 1009 and reason.
WS_MAX_SIZE = 320 * 1024
UVICORN_FLAGS = (
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--ws-max-size",
    str(WS_MAX_SIZE),
    "--no-access-log",
    "--ws-ping-interval",
    "0",
)
# The WebSocket implementation: uvicorn's sans-I/O one, lighter per socket
# (tether/websocket.py); TETHER_UVICORN_WS overrides it for experiments.
DEFAULT_WS = "tether.websocket:WebSocketProtocol"


def manage(project: Path, env: dict[str, str], *commands: list[str]) -> None:
    """Run ``manage.py`` commands of a project in child processes (migrations, fixtures)."""
    for command in commands:
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=project,
            env={**os.environ, **env},
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=300,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    def __init__(
        self,
        app: str,
        *,
        cwd: Path,
        env: dict[str, str] | None = None,
        port: int | None = None,
        log: Path | None = None,
        workers: int = 1,
    ) -> None:
        self.app = app
        self.workers = workers  # more than 1: uvicorn's worker processes share the port
        self.cwd = cwd
        self.env = {**os.environ, **(env or {})}
        self.port = port or free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 20.0) -> ServerProcess:
        cmd = [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port), *UVICORN_FLAGS]
        cmd += ["--ws", self.env.get("TETHER_UVICORN_WS", DEFAULT_WS)]
        # Off by default: each connection's zlib contexts cost more than tiny diffs
        # save (bench/README.md). TETHER_UVICORN_DEFLATE=1 measures the other way.
        deflate = self.env.get("TETHER_UVICORN_DEFLATE") == "1"
        cmd += ["--ws-per-message-deflate", "true" if deflate else "false"]
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        if self.log is None:
            self.process = subprocess.Popen(
                cmd, cwd=self.cwd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
            )
        else:
            with open(self.log, "ab") as out:  # the child keeps its own descriptor
                self.process = subprocess.Popen(
                    cmd, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT
                )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server did not listen on {self.port} within {timeout}s")

    def worker_pids(self) -> list[int]:
        """The processes serving requests: uvicorn's workers, or the server itself."""
        if self.workers <= 1:
            return [self.pid]
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        pids = []
        for child in map(int, children):
            try:  # spawned workers; the supervisor's resource tracker is none
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    pids.append(child)
            except OSError:
                continue
        return pids

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self, exc: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
