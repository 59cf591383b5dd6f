"""Write-through checkpoints: live state that survives a crash of its process.

A view's state is frozen when its socket closes, which a ``kill -9``, an
out-of-memory kill or a power cut never lets happen. With
``TETHER["CHECKPOINT"]["ENABLED"]``, every view that handled something is
marked, and one task per process freezes the marked views to the state store
every ``EVERY`` seconds, at most ``BATCH`` per pass (the rest wait for the
next). A crash then loses at most the last ``EVERY`` seconds, and the
rejoining page resumes from the checkpoint as from any frozen state.

A view is checkpointed only between two steps of its mailbox, never in the
middle of a handler that awaits, so a checkpoint is always a state the view
was really in. Off by default: it costs a store write per busy view per
``EVERY`` (``make bench`` measures it).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal, Protocol

from tether.conf import setting

logger = logging.getLogger("tether.checkpoints")


Outcome = Literal["written", "busy", "skipped"]


class Checkpointable(Protocol):
    async def checkpoint(self) -> Outcome:
        """Freeze to the store now: written; busy (in a step: try later); skipped."""


class Checkpoints:
    """The process's marked views and the task that writes them."""

    def __init__(self) -> None:
        self._marked: dict[Checkpointable, None] = {}
        self._task: asyncio.Task[None] | None = None
        self.written = 0

    @staticmethod
    def enabled() -> bool:
        return bool(setting("CHECKPOINT")["ENABLED"])

    def mark(self, session: Checkpointable) -> None:
        """``session`` changed: checkpoint it on the next pass."""
        self._marked[session] = None
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._write_marked())

    def forget(self, session: Checkpointable) -> None:
        self._marked.pop(session, None)

    async def _write_marked(self) -> None:
        while self._marked:
            await asyncio.sleep(float(setting("CHECKPOINT")["EVERY"]))
            await self.write_pass()

    async def write_pass(self) -> None:
        """Checkpoint up to ``BATCH`` marked views, oldest mark first."""
        for session in list(self._marked)[: int(setting("CHECKPOINT")["BATCH"])]:
            del self._marked[session]
            outcome = await session.checkpoint()
            if outcome == "written":
                self.written += 1
            elif outcome == "busy":
                self._marked[session] = None  # in a step now: the next pass

    async def close(self) -> None:
        self._marked.clear()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


checkpoints = Checkpoints()
