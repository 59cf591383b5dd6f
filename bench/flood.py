"""A join flood on one connection, while an honest page keeps clicking.

The flooder loads one counter page (a real dead render, so its tokens and
CSRF are valid) and sends ``phx_join`` on that page's topic as fast as the
socket takes them; when the server closes its socket for flooding, it
reconnects and goes on, until it has sent ``joins`` in all. Meanwhile one
honest page clicks its counter, one click in flight. Reported: the server's
resident memory before and after (settled), and the honest click's round
trip during the flood.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from websockets.protocol import State

from bench import servers, table, wire

COUNTER = "/counter/"


async def _flood(host: str, port: int, base: str, joins: int, deadline: float) -> dict[str, Any]:
    pool = wire.HttpPool(host, port, 1)
    sent = reconnects = 0
    try:
        while sent < joins and time.monotonic() < deadline:
            dead = await wire.dead_render(pool, base, COUNTER)
            page = await wire.open_page(host, port, wire.socket_path(dead), base, dead.cookie)
            payload = wire.join_payload(dead)
            while sent < joins and page.ws.state is State.OPEN and time.monotonic() < deadline:
                page.send_frame([str(sent), str(sent), dead.topic, "phx_join", payload])
                sent += 1
                if sent % 200 == 0:
                    await asyncio.sleep(0)  # let the socket read what the server says
            page.close()
            reconnects += 1
    finally:
        pool.close()
    return {"joins": sent, "connections": reconnects}


async def _honest(host: str, port: int, base: str, stop: asyncio.Event) -> list[float]:
    pool = wire.HttpPool(host, port, 1)
    dead = await wire.dead_render(pool, base, COUNTER)
    pool.close()
    page = await wire.open_page(host, port, wire.socket_path(dead), base, dead.cookie)
    await wire.join(page, dead)
    latencies: list[float] = []
    while not stop.is_set():
        future, sent = page.request(
            dead.topic, "event", {"type": "click", "event": "inc", "value": {}}
        )
        _, _, arrived = await asyncio.wait_for(future, 10)
        latencies.append(arrived - sent)
        await asyncio.sleep(0.01)
    page.close()
    return latencies


async def _run(server: Any, joins: int, within: float) -> dict[str, Any]:
    host, port, base = "127.0.0.1", server.port, server.url.rstrip("/")
    stop = asyncio.Event()
    honest = asyncio.create_task(_honest(host, port, base, stop))
    await asyncio.sleep(0.5)
    flood = await _flood(host, port, base, joins, time.monotonic() + within)
    await asyncio.sleep(0.5)  # the last closings finish while the honest page clicks
    stop.set()
    return {"flood": flood, "honest": await honest}


def measure(server: Any, joins: int = 20_000, within: float = 120.0) -> dict[str, Any]:
    """Memory before and after ``joins`` flooded joins, and the honest click meanwhile."""
    before = servers.settle_rss(server.pid)
    result = asyncio.run(_run(server, joins, within))
    after = servers.settle_rss(server.pid, 2.0)
    return {
        "joins": result["flood"]["joins"],
        "connections": result["flood"]["connections"],
        "rss_before": before,
        "rss_after": after,
        "rss_growth": after - before,
        "honest_clicks": len(result["honest"]),
        "honest_p50_ms": table.percentile(result["honest"], 0.5) * 1e3,
        "honest_p99_ms": table.percentile(result["honest"], 0.99) * 1e3,
    }
