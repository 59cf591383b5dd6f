"""The floors: what the bare parts do on this machine, measured as Tether's figures are.

A goal is only as reachable as the parts under it. On the bench machine (two
cores, shared by the server and the load generator) this step measures, with
the same load generator and the same uvicorn flags:

- **a bare broadcast**: the echo app's room (``echo_app.ROOM_PATH``), every
  socket sent one frame by a loop of ASGI sends, timed from the send to the
  last socket as the chat's fan-out is, at the fan-out's largest step. A
  framework that runs any code per page can only be slower;
- **a bare round trip**: the same clicks as the round trip figure, answered by
  the echo: the events per second of a socket that does no work;
- **Django's own page loads**: dead renders with as many in flight as the
  crowd keeps (``crowd.IN_FLIGHT``), of the counter page rendered by a plain
  Django view (no live view: the middleware, the session, the CSRF token and
  the template) and of the chat page's dead render alone. Every join into a
  room starts with one, so joins per second cannot pass them.
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

from bench import servers
from bench.crowd import IN_FLIGHT
from bench.echo_app import ROOM_PATH
from bench.fleet import Swarm, clicks, progress
from bench.table import percentile

PLAIN_PATH = "/counter-plain/"


def measure(
    db: servers.DemoDatabase,
    workers: int,
    sockets: int,
    broadcasts: int,
    round_trip: dict[str, int],
    page_loads: int,
    within: float,
) -> dict[str, Any]:
    figure: dict[str, Any] = {}
    server = servers.echo_server(db)
    try:
        with Swarm("floors", server.url, server.port, workers) as swarm:
            opened = swarm.open(None, round_trip["pages"], within, echo_path=ROOM_PATH)["open"]
            figure["roundtrip"] = _round_trip(swarm, opened, round_trip)
            opened = swarm.open(None, sockets - opened, within, echo_path=ROOM_PATH)["open"]
            figure["broadcast"] = _broadcasts(swarm, server.pid, opened, broadcasts)
    finally:
        server.stop()
    server = servers.demo_server(db, "floors")
    try:
        with Swarm("floors", server.url, server.port, workers) as swarm:
            room = f"/chat/floor-{uuid.uuid4().hex[:8]}/"
            figure["page_loads"] = {
                "in_flight": IN_FLIGHT,
                "plain": _page_loads(swarm, server.pid, PLAIN_PATH, page_loads, within),
                "chat": _page_loads(swarm, server.pid, room, page_loads, within),
            }
    finally:
        server.stop()
    return figure


def _round_trip(swarm: Swarm, opened: int, plan: dict[str, int]) -> dict[str, Any]:
    latencies, errors, elapsed, _ = clicks(swarm, plan["clients"], plan["clicks"], echo=True)
    latencies.sort()
    if not latencies:
        return {"error": f"no echo answered: {errors}"}
    out = {
        "open": opened,
        "p50_ms": statistics.median(latencies) * 1e3,
        "p99_ms": percentile(latencies, 0.99) * 1e3,
        "events_per_second": len(latencies) / elapsed,
    }
    progress(
        f"  bare round trip, {opened:,} sockets open: p50 {out['p50_ms']:.2f} ms,"
        f" p99 {out['p99_ms']:.2f} ms, {out['events_per_second']:,.0f} events/s"
    )
    return out


def _broadcasts(swarm: Swarm, pid: int, opened: int, broadcasts: int) -> dict[str, Any]:
    lasts: list[float] = []
    cpu: list[float] = []
    missing = 0
    for _ in range(broadcasts):
        before = servers.cpu_seconds(pid)
        told = swarm.tell("shout", marker="{marker}")
        cpu.append(servers.cpu_seconds(pid) - before)
        missing += told["missing"]
        if told["arrivals"]:
            lasts.append(max(told["arrivals"]))
        time.sleep(0.2)
    if not lasts:
        return {"open": opened, "error": "no socket heard a broadcast"}
    out = {
        "open": opened,
        "p50_ms": statistics.median(lasts) * 1e3,
        "p99_ms": percentile(lasts, 0.99) * 1e3,
        "cpu_ms_per_broadcast": statistics.mean(cpu) * 1e3,
        "count": len(lasts),
        "missing": missing,
    }
    progress(
        f"  bare broadcast to {opened:,} sockets: last after p50 {out['p50_ms']:.0f} ms,"
        f" p99 {out['p99_ms']:.0f} ms; server CPU {out['cpu_ms_per_broadcast']:.0f} ms each"
    )
    return out


def _page_loads(swarm: Swarm, pid: int, path: str, count: int, within: float) -> dict[str, Any]:
    in_flight = max(1, IN_FLIGHT // len(swarm))
    per_worker = [
        {"path": path, "count": c, "concurrency": in_flight, "within": within, "keep": False}
        for c in swarm.split(count)
    ]
    before = servers.cpu_seconds(pid)
    answers = swarm.call("render", per_worker, within + 30)
    cpu = servers.cpu_seconds(pid) - before
    failed = sum(sum(a["errors"].values()) for a in answers)
    seconds = max(a["ended"] for a in answers) - min(a["started"] for a in answers)
    out = {
        "path": path,
        "count": count,
        "failed": failed,
        "per_second": (count - failed) / seconds,
        "server_cpu_ms_each": cpu * 1e3 / count,
    }
    progress(
        f"  GET {path}, {in_flight * len(swarm)} in flight: {out['per_second']:,.0f} pages/s,"
        f" server CPU {out['server_cpu_ms_each']:.1f} ms each"
        + (f", {failed} failed" if failed else "")
    )
    return out


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    figure = figures.get("floors")
    if not figure:
        return []
    out: list[tuple[str, str, str, str]] = []
    cast = figure.get("broadcast", {})
    if "p50_ms" in cast:
        value = f"{cast['p50_ms']:,.0f} / {cast['p99_ms']:,.0f} ms"
        cpu = cast["cpu_ms_per_broadcast"]
        note = f"echo app's room, p50/p99 of {cast['count']}; CPU {cpu:.0f} ms each"
        out.append((f"  floor: bare broadcast @ {cast['open']:,}", value, "", note))
    trip = figure.get("roundtrip", {})
    if "p50_ms" in trip:
        value = (
            f"{trip['p50_ms']:.2f} / {trip['p99_ms']:.2f} ms, {trip['events_per_second']:,.0f}/s"
        )
        out.append(("  floor: bare round trip", value, "", "echo app, the round trip's clicks"))
    loads = figure.get("page_loads", {})
    for key, what in (("plain", "plain Django page"), ("chat", "chat page's dead render")):
        load = loads.get(key)
        if load:
            value = f"{load['per_second']:,.0f}/s"
            cpu = load["server_cpu_ms_each"]
            note = f"{loads['in_flight']} in flight; server CPU {cpu:.1f} ms each"
            out.append((f"  floor: {what} loads", value, "", note))
    return out
