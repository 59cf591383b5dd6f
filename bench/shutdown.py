"""A deploy, measured: SIGTERM with many chat pages open, once per state store.

Every open view must be frozen to the state store before the process exits,
so the pages resume after the restart. For each store (the memory store, a
Redis store, the demo's Django file cache) a fresh server gets N chat pages
in one room, then SIGTERM. Reported: how long the process took to exit
after SIGTERM (its views all frozen by then), how many states reached the
store (files in the cache directory, keys under the run's Redis prefix; the
memory store's die with the process), and how many freezes the server's log
says failed.

Then the rejoin: a few of the N pages are opened by this process (a thread
with its own event loop) before the others, and each types a draft of its own
(``typing_changed``), which lives only in its view's state. After the exit a
new server starts on the same port with the same store, and each of these
pages joins again with its old tokens and cookies, as a browser reconnects.
A page found its state when its draft is back in the join reply. The memory
store is lost with its process, so it gets no rejoin.
"""

from __future__ import annotations

import asyncio
import re
import signal
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import redis

from bench import servers, wire
from bench.fleet import Swarm
from tether.testing import ServerProcess

REDIS_URL = servers.REDIS_URL
SAMPLE = 20  # pages whose rejoin after the restart is checked
HEARTBEAT = 30.0  # seconds, as phoenix.js sends them
# The writer logs each failed batch: its views and those dropped behind it.
FAILED = re.compile(r"freeze failed for (\d+) views \((\d+) more dropped unwritten\)")
STORES = ("memory", "redis", "cache")


# A view whose state could not be made (unpicklable assigns; see live/freezing.py).
UNFROZEN = ("not freezing ", "freezing phx-")


def failed_in(log: str) -> int:
    """States the server's log says never reached the store."""
    lost = sum(int(a) + int(b) for a, b in FAILED.findall(log))
    return lost + sum(log.count(line) for line in UNFROZEN)


def store_env(store: str, cache: Path, prefix: str) -> dict[str, str]:
    """The demo's settings for ``store`` (demo/settings.py reads these)."""
    if store == "memory":
        return {"TETHER_STATE_STORE": "memory"}
    if store == "redis":
        return {
            "TETHER_STATE_STORE": "redis",
            "TETHER_STATE_REDIS_URL": REDIS_URL,
            "TETHER_STATE_PREFIX": prefix,
        }
    return {"TETHER_CACHE_DIR": str(cache)}


def stored(store: str, cache: Path, prefix: str) -> int | None:
    """States waiting in the store now; None for the memory store (gone with its process)."""
    if store == "cache":
        return sum(1 for f in cache.iterdir() if f.suffix == ".djcache") if cache.exists() else 0
    if store == "redis":
        with redis.Redis.from_url(REDIS_URL) as client:
            return sum(1 for _ in client.scan_iter(match=prefix + "*", count=1000))
    return None


def forget(store: str, prefix: str) -> None:
    """Remove this run's keys from the shared Redis."""
    if store != "redis":
        return
    with redis.Redis.from_url(REDIS_URL) as client:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])


class Sample:
    """A few pages held by this process, on a loop in a thread of its own, so they
    stay open (as a browser's would) while the suite sends SIGTERM."""

    def __init__(self, port: int, path: str) -> None:
        self.port = port
        self.path = path
        self.pages: list[tuple[wire.DeadPage, str, wire.Page]] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, make: Callable[[], Coroutine[Any, Any, Any]], timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(make(), self.loop).result(timeout)

    def open(self, count: int) -> None:
        self.run(lambda: self._open(count), 120)

    async def _open(self, count: int) -> None:
        base = f"http://127.0.0.1:{self.port}"
        pool = wire.HttpPool("127.0.0.1", self.port, 2)
        try:
            for _ in range(count):
                dead = await wire.dead_render(pool, base, self.path)
                page = await wire.open_page(
                    "127.0.0.1", self.port, wire.socket_path(dead), base, dead.cookie
                )
                await wire.join(page, dead)
                page.beat_every(HEARTBEAT)  # or the server closes it, idle, before SIGTERM
                draft = f"draft{uuid.uuid4().hex[:12]}"
                value = urllib.parse.urlencode({"body": draft})
                payload = {"type": "form", "event": "typing_changed", "value": value}
                future, _ = page.request(dead.topic, "event", payload)
                await asyncio.wait_for(future, 30)
                self.pages.append((dead, draft, page))
        finally:
            pool.close()

    def rejoin(self) -> dict[str, Any]:
        """Each sample page joins the restarted server with its old tokens."""
        return dict(self.run(self._rejoin, 120))

    async def _rejoin(self) -> dict[str, Any]:
        base = f"http://127.0.0.1:{self.port}"
        found, errors = 0, []
        for dead, draft, _ in self.pages:
            try:
                page = await wire.open_page(
                    "127.0.0.1", self.port, wire.socket_path(dead), base, dead.cookie
                )
                future, _ = page.request(dead.topic, "phx_join", wire.join_payload(dead))
                _, raw, _ = await asyncio.wait_for(future, 30)
                found += draft.encode() in raw
                page.close()
            except (OSError, TimeoutError, wire.ProtocolError) as exc:
                errors.append(repr(exc)[:200])
        return {"checked": len(self.pages), "found": found, "errors": errors[:3]}

    def close(self) -> None:
        async def shut() -> None:
            for _, _, page in self.pages:
                page.close()

        try:
            self.run(shut, 10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


def measure(
    store: str,
    start: Callable[[dict[str, str], int | None], ServerProcess],
    swarm_for: Callable[[ServerProcess], Swarm],
    fill: Callable[[Swarm, str, int], int],
    pages: int,
    cache: Path,
) -> dict[str, Any]:
    """``pages`` chat pages open on a server with ``store``, SIGTERM, then a restart
    on the same port and the sample's rejoins. ``start(env, port)`` starts a demo
    server; ``fill(swarm, path, count)`` opens pages with the suite's client
    workers and returns how many are open. They stay open until the server goes."""
    if store == "redis" and (down := servers.redis_missing()):
        return {"store": store, "error": down}
    prefix = f"tether-bench-{uuid.uuid4().hex[:8]}:state:"
    env = store_env(store, cache, prefix)
    path = f"/chat/deploy-{uuid.uuid4().hex[:8]}/"
    server = start(env, None)
    sample = Sample(server.port, path)
    figure: dict[str, Any] = {"store": store}
    try:
        sample.open(min(SAMPLE, pages))
        with swarm_for(server) as swarm:
            opened = len(sample.pages) + fill(swarm, path, pages - len(sample.pages))
            servers.wait_idle(server.pid, timeout=60)
            before = stored(store, cache, prefix) or 0
            started = time.monotonic()
            server.stop(signal.SIGTERM, timeout=300.0)
            seconds = time.monotonic() - started
        log = server.log.read_text(errors="replace") if server.log else ""
        after = stored(store, cache, prefix)
        figure.update(
            open=opened,
            exit_seconds=seconds,
            frozen=None if after is None else after - before,
            stored_before=before,  # 0 unless pages closed before SIGTERM
            failed=failed_in(log),
        )
        if store != "memory":
            again = start(env, server.port)
            try:
                figure["rejoin"] = sample.rejoin()
            finally:
                again.stop()
    finally:
        server.stop()
        sample.close()
        forget(store, prefix)
    return figure


def report_rows(figures: dict[str, Any], goal: str) -> list[tuple[str, str, str, str]]:
    """One row per store: frozen of open, failures, exit time, rejoins."""
    rows = []
    for figure in figures.get("shutdown", {}).get("stores", []):
        label = f"SIGTERM, {figure['store']} store"
        if "error" in figure:
            rows.append((label, "n/a", goal, figure["error"][:100]))
            continue
        frozen = "?" if figure["frozen"] is None else f"{figure['frozen']:,}"
        value = f"{frozen} of {figure['open']:,} frozen, {figure['failed']} failed"
        note = f"frozen and exited {figure['exit_seconds']:.1f} s after SIGTERM"
        if figure["frozen"] is None:
            note += "; in-process store (gone with it)"
        rejoin = figure.get("rejoin")
        if rejoin:
            note += f"; after restart {rejoin['found']} of {rejoin['checked']} rejoins thawed"
        rows.append((label, value, goal, note))
    return rows
