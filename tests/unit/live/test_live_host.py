"""ViewHost: what a connected view starts, owned and ended by its host."""

from __future__ import annotations

import asyncio
from typing import Any

from tether.live.host import ViewHost
from tether.live.owner import Owner
from tether.protocol import Mailbox


async def _slow() -> str:
    await asyncio.sleep(10)
    return "late"


async def test_one_views_timers_topics_loads_and_presence_never_reach_another() -> None:
    # Idle hosts share empty containers; the first write must make a view's own.
    owner = Owner()
    delivered: list[tuple[Mailbox, Any]] = []
    busy = ViewHost(owner, lambda kind, item: delivered.append((kind, item)), "Busy")
    idle = ViewHost(owner, lambda kind, item: None, "Idle")
    busy.send("tick", 60.0)
    busy.start_async("report", _slow, (), assign=False)
    await busy.subscribe("room:a")
    await busy.track("room:a", "ada", {"name": "Ada"})
    await asyncio.sleep(0)
    assert busy.busy and busy.topics == ["room:a"] and len(busy.presences) == 1
    assert not idle.busy and idle.topics == [] and idle.presences == []
    fresh = ViewHost(owner, lambda kind, item: None, "Fresh")
    assert not fresh.busy and fresh.topics == [] and fresh.presences == []
    await busy.close()
    assert not busy.busy and busy.topics == [] and busy.presences == []
    await owner.close()
