"""The chat room as deployed: two uvicorn workers on one port, Redis, PostgreSQL.

This is docs/deploy.md's configuration. ``uvicorn --workers 2`` shares one
listening socket between two processes, Redis carries pub/sub, presence and
frozen state between them, and the chat's messages live in PostgreSQL
(127.0.0.1:5432, a database made for the run and dropped after it). Pages
open across both workers; one page posts a unique marker, and each sample
is the time from that post until a page has it, for every page on both
workers: a broadcast crosses Redis to reach the other worker's pages.

Without PostgreSQL (or Redis) on this machine the step says so and is
skipped with the reason; the rest of the run goes on.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time
import uuid
from typing import Any

from bench import servers
from bench.fleet import Swarm, progress
from tether.testing import ServerProcess
from tether.testing.server import manage

POSTGRES = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
REDIS_URL = servers.REDIS_URL
WORKERS = 2


def missing_service() -> str | None:
    """Why the deployed configuration cannot run here, or None."""
    import psycopg

    try:
        psycopg.connect(POSTGRES, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL is not running on 127.0.0.1:5432 ({first})"
    return servers.redis_missing()


@contextlib.contextmanager
def _database() -> Any:
    import psycopg
    from psycopg import sql

    name = f"tether_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"postgres://postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def _forget_redis(prefix: str) -> None:
    import redis

    with redis.Redis.from_url(REDIS_URL) as client:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])


def sockets_of(pid: int) -> int:
    """Open sockets of a process (its pages, plus a few for Redis and PostgreSQL)."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
    return count


def measure(
    db: servers.DemoDatabase, clients: int, pages: int, broadcasts: int, within: float
) -> dict[str, Any]:
    figure: dict[str, Any] = {"workers": WORKERS, "target": pages}
    why = missing_service()
    if why is not None:
        figure["skipped"] = f"{why}: step skipped"
        progress(f"  {figure['skipped']}")
        return figure
    prefix = f"bench-{uuid.uuid4().hex[:8]}:"
    with _database() as url:
        env = {
            **servers.demo_env(db),
            "DJANGO_SETTINGS_MODULE": "demo.settings",
            "DEMO_DATABASE_URL": url,
            "TETHER_REDIS_URL": REDIS_URL,
            "TETHER_REDIS_PREFIX": prefix,
            "TETHER_CACHE_DIR": str(db.logs / "cache-scale"),
        }
        manage(servers.DEMO, env, ["migrate", "--verbosity", "0"])
        server = ServerProcess(
            "demo.asgi:application",
            cwd=servers.DEMO,
            env=env,
            log=db.logs / "scale-out.log",
            workers=WORKERS,
        ).start()
        progress(f"  {WORKERS} workers on {server.url}: supervisor pid {server.pid}")
        try:
            with Swarm("scale", server.url, server.port, clients) as swarm:
                _run(figure, swarm, server, pages, broadcasts, within)
        finally:
            server.stop(timeout=120)
            _forget_redis(prefix)
    return figure


def _run(
    figure: dict[str, Any],
    swarm: Swarm,
    server: ServerProcess,
    pages: int,
    broadcasts: int,
    within: float,
) -> None:
    room = f"/chat/deployed-{uuid.uuid4().hex[:6]}/"
    time.sleep(2.0)  # both workers up
    opened = swarm.open(room, pages, within)
    figure.update(
        open=opened["open"],
        failed=opened["failed"],
        errors=dict(list(opened["errors"].items())[:5]),
        join_seconds=opened["join_seconds"],
    )
    workers = server.worker_pids()
    figure["sockets_per_worker"] = [sockets_of(pid) for pid in workers]
    progress(
        f"  {opened['open']:,} pages open in {opened['join_seconds']:.1f}s; sockets per"
        f" worker {figure['sockets_per_worker']}"
    )
    if opened["open"] == 0:
        figure["error"] = f"no page joined: {list(opened['errors'].items())[:3]}"
        return
    arrivals: list[float] = []
    lasts: list[float] = []
    missing = 0
    for n in range(broadcasts):
        told = swarm.tell("submit", event="send", value="body={marker}", within=50)
        if "error" in told:
            figure["error"] = told["error"]
            return
        target, got = told["target"], told["arrivals"]
        missing += told["missing"]
        if got:
            arrivals += got
            lasts.append(max(got))
        progress(
            f"  broadcast {n + 1}/{broadcasts}: {len(got):,} of {target:,} pages,"
            f" last after {max(got, default=0) * 1e3:.0f} ms"
        )
        time.sleep(0.2)
    if arrivals:
        ordered = sorted(arrivals)
        figure.update(
            p50_ms=statistics.median(ordered) * 1e3,
            p99_ms=ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1e3,
            last_p50_ms=statistics.median(lasts) * 1e3,
            last_max_ms=max(lasts) * 1e3,
            broadcasts=len(lasts),
        )
    figure["missing"] = missing


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    figure = figures.get("scale_out")
    name = "2 workers + Redis + PostgreSQL"
    goal = "20,000 held, p99 <= 500 ms"
    if not figure:
        return []
    if "skipped" in figure:
        return [(name, "n/a", goal, figure["skipped"])]
    if "p50_ms" not in figure:
        return [(name, "n/a", goal, figure.get("error", "no broadcast arrived"))]
    value = f"{figure['p50_ms']:.0f} / {figure['p99_ms']:.0f} ms"
    note = (
        f"broadcast to {figure['open']:,} pages (sockets per worker"
        f" {figure['sockets_per_worker']}), p50/p99 over every page of {figure['broadcasts']}"
        f" broadcasts; last page p50 {figure['last_p50_ms']:.0f} ms;"
        f" {figure['missing']} missing, {figure['failed']} failed to open"
    )
    return [(f"{name} @ {figure['open']:,}", value, goal, note)]
