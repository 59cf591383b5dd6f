"""Joins like a crowd: one chat room filling up with no pauses, heartbeats on time.

A browser crowd does not arrive in polite batches. ``IN_FLIGHT`` pages are
always on their way in (each a dead render, a socket and a ``phx_join``), the
next starting as soon as one has joined, and every page sends the Phoenix
heartbeat on its own timer from the moment its socket opens. The room grows
through ``steps`` (1k, 5k, 10k); each step's joins per second is the pages it
added over the time they took. Then the room is held open past the server's
idle timeout, and every page the server closed is counted with its close
reason: with heartbeats on time, there must be none.

Quick mode compresses time rather than skipping the check: heartbeats every
5 s against an idle timeout of 15 s (the browser's 30 s against 90 s), and a
hold just past it.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench import servers
from bench.fleet import Swarm, progress
from tether.testing import ServerProcess

IN_FLIGHT = 100


def measure(
    server_for: Callable[[dict[str, str]], ServerProcess],
    workers: int,
    steps: tuple[int, ...],
    heartbeat: float,
    idle_timeout: float,
    within: float,
) -> dict[str, Any]:
    """Fill one room through ``steps``, hold it past ``idle_timeout``, count the drops."""
    env = {"TETHER_IDLE_TIMEOUT": f"{idle_timeout:g}"}
    server = server_for(env)
    path = f"/chat/crowd-{uuid.uuid4().hex[:8]}/"
    figure: dict[str, Any] = {
        "in_flight": IN_FLIGHT,
        "heartbeat_seconds": heartbeat,
        "idle_timeout_seconds": idle_timeout,
        "steps": [],
    }
    try:
        with Swarm("crowd", server.url, server.port, workers) as swarm:
            opened = 0
            for target in steps:
                per_worker = [
                    {
                        "path": path,
                        "count": count,
                        "in_flight": max(1, IN_FLIGHT // len(swarm)),
                        "heartbeat": heartbeat,
                        "within": within,
                    }
                    for count in swarm.split(target - opened)
                ]
                cpu = servers.cpu_seconds(server.pid)
                answers = swarm.call("crowd", per_worker, within + 30)
                joined = sum(a["joined"] for a in answers)
                seconds = max(a["ended"] for a in answers) - min(a["started"] for a in answers)
                errors: dict[str, int] = {}
                for answer in answers:
                    for key, value in answer["errors"].items():
                        errors[key] = errors.get(key, 0) + value
                opened = sum(a["open"] for a in answers)
                step = {
                    "target": target,
                    "joined": joined,
                    "open": opened,
                    "seconds": seconds,
                    "joins_per_second": joined / seconds if seconds else None,
                    "server_cpu_seconds": servers.cpu_seconds(server.pid) - cpu,
                    "errors": errors,
                }
                figure["steps"].append(step)
                progress(
                    f"  crowd to {target:,}: {joined:,} joined in {seconds:.1f}s,"
                    f" {step['joins_per_second'] or 0:,.0f} joins/s, {opened:,} open"
                    + (f"; errors {list(errors.items())[:2]}" if errors else "")
                )
                if opened < target * 0.9:
                    figure["error"] = f"only {opened:,} of {target:,} open; no larger step"
                    break
            hold = idle_timeout + 2 * heartbeat
            progress(f"  holding {opened:,} pages for {hold:.0f}s (idle timeout {idle_timeout:g}s)")
            time.sleep(hold)
            answers = swarm.all("drops", 60)
            reasons: dict[str, int] = {}
            beats = [a["beats"] for a in answers if a["beats"]]
            for answer in answers:
                for key, value in answer["reasons"].items():
                    reasons[key] = reasons.get(key, 0) + value
            figure["held_seconds"] = hold
            figure["dropped"] = sum(reasons.values())
            figure["drop_reasons"] = reasons
            if beats:
                # Per client process; across them the worst p99 and max.
                figure["heartbeat_reply_ms"] = {
                    "p50": statistics.median(b["p50"] for b in beats) * 1e3,
                    "p99": max(b["p99"] for b in beats) * 1e3,
                    "max": max(b["max"] for b in beats) * 1e3,
                    "count": sum(b["count"] for b in beats),
                }
            progress(
                f"  {figure['dropped']} pages dropped"
                + (f" ({reasons})" if reasons else "")
                + (
                    f"; heartbeat reply p99 {figure['heartbeat_reply_ms']['p99']:.0f} ms"
                    if beats
                    else ""
                )
            )
    finally:
        server.stop()
    return figure


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    figure = figures.get("crowd")
    if not figure:
        return []
    out = []
    conditions = (
        f"{figure['in_flight']} in flight, no pauses; heartbeat every"
        f" {figure['heartbeat_seconds']:g} s, idle timeout {figure['idle_timeout_seconds']:g} s"
    )
    for step in figure["steps"]:
        value = f"{step['joins_per_second'] or 0:,.0f} joins/s"
        note = f"{step['joined']:,} in {step['seconds']:.1f} s; {conditions}"
        failed = sum(step["errors"].values())
        if failed:
            note += f"; {failed} failed"
        out.append((f"joins into one room @ {step['target']:,}", value, ">= 1,000/s", note))
    if "dropped" in figure:
        beats = figure.get("heartbeat_reply_ms")
        note = f"held {figure['held_seconds']:.0f} s past the joins"
        if beats:
            note += f"; heartbeat reply p50 {beats['p50']:.1f} / p99 {beats['p99']:.0f} ms"
        if figure["drop_reasons"]:
            note += f"; {figure['drop_reasons']}"
        out.append(("sockets dropped while the room filled", f"{figure['dropped']}", "0", note))
    if "error" in figure:
        out.append(("joins into one room", "short", "", figure["error"]))
    return out
