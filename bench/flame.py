"""Flame graphs of a server under load, sampled from outside by py-spy.

``with Flame(pid, path):`` samples every thread of the server process while the
block runs and writes an SVG flame graph to ``path``. py-spy reads the
process's memory (ptrace): nothing in the server changes, and sampling at
``RATE`` Hz costs it little. Where py-spy cannot attach (no ptrace permission,
not installed) the block still runs and ``written`` stays False with the reason
in ``error``: a missing profile never fails a bench run.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

RATE = 250  # samples per second


def py_spy() -> str | None:
    """The py-spy beside this interpreter (the project's venv), else on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Flame:
    def __init__(self, pid: int, path: Path) -> None:
        self.pid = pid
        self.path = path
        self.written = False
        self.error: str | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Flame:
        exe = py_spy()
        if exe is None:
            self.error = "py-spy is not installed"
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        cmd = [exe, "record", "--pid", str(self.pid), "--rate", str(RATE)]
        cmd += ["--format", "flamegraph", "--output", str(self.path), "--nonblocking"]
        self._process = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        time.sleep(0.5)  # attached before the load starts
        if self._process.poll() is not None:
            self.error = self._stderr() or f"py-spy exited with {self._process.returncode}"
            self._process = None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        # py-spy writes its output when interrupted; it is our child, ended by PID.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
            self.error = "py-spy did not stop within 60 s"
            return
        self.written = self.path.exists() and self.path.stat().st_size > 0
        if not self.written:
            self.error = self._stderr(process) or "py-spy wrote nothing"

    def _stderr(self, process: subprocess.Popen[bytes] | None = None) -> str:
        """py-spy's last line on stderr: why it could not attach or write."""
        process = process or self._process
        if process is None or process.stderr is None:
            return ""
        lines = process.stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""
