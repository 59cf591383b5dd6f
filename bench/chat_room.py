"""A full chat room: memory per open page and collector pauses, 1,000 to 10,000 pages.

Every page is the demo's chat, in one room whose last ``history`` messages
(``body_chars`` characters each) are in view, with the room's presence list
beside them: the page the chat-room issue asks about, not the counter. The
room fills through ``steps``; after each step the server is left to settle
and the step reports

- RSS over the baseline, per open page, and what each page of the step
  added: a page must cost the same in a room of 10,000 as in one of 1,000.
  The baseline is taken after ``WARM`` pages (as many as the load generator
  joins at once) opened and closed, so that the process's working set for a
  burst of joins counts as the process's, not as the first step's pages';
- the longest of Python's own collections during the step (the probe's
  ``gc.callbacks``), by generation.

With the room full, the server runs once the complete collection that
``TETHER["GC"]["FULL_EVERY"]`` schedules (every 600 s by default; it is what
frees cycles that died after being frozen), and its pause is reported on its
own: it walks every object of every open page, which is what the freezes
spare Python's own collections. Then ``steps[0]`` more pages open, and what
each added shows the memory that collection freed for new pages to reuse
(RSS does not shrink for it).
"""

from __future__ import annotations

import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any

from bench import servers
from bench.fleet import Swarm, progress

WARM = 256  # pages opened at once and closed before the baseline: the joins in flight


def measure(
    db: servers.DemoDatabase,
    workers: int,
    steps: tuple[int, ...],
    history: int,
    body_chars: int,
    open_timeout: float,
    body: Callable[[int, int], str],
) -> dict[str, Any]:
    """Fill one room through ``steps`` on a probed server; ``body(n, chars)`` makes a message."""
    probe = servers.Probe(db, "chat-room")
    server = probe.server
    progress(f"  demo server (GC probe) on {server.url}, pid {server.pid}")
    path = f"/chat/room-{uuid.uuid4().hex[:8]}/"
    figure: dict[str, Any] = {
        "history": f"{history} messages of {body_chars} chars",
        "steps": [],
    }
    try:
        with Swarm("chat-room", server.url, server.port, workers) as swarm:
            first = swarm.open(path, 1, open_timeout)
            if first["open"] == 0:
                figure["error"] = f"no chat page joined: {first['errors']}"
                return figure
            for n in range(history):
                form = urllib.parse.urlencode({"body": body(n, body_chars)})
                sent = swarm.one("submit", 30, event="send", value=form, within=20)
                if sent["status"] != "ok":
                    figure["error"] = f"send refused: {sent['reply']}"
                    return figure
            # The baseline is a server that has served a burst of joins as large as
            # the load generator keeps in flight: its working set for a crowd is
            # the process's, not the pages', and would count in the first step only.
            swarm.open(path, WARM, open_timeout)
            swarm.all("close", 60)
            servers.wait_idle(server.pid)
            figure["baseline_bytes"] = baseline = servers.settle_rss(server.pid)
            opened = 0
            for target in steps:
                probe.reset()
                result = swarm.open(path, target - opened, open_timeout)
                opened = result["open"]
                servers.wait_idle(server.pid, timeout=60)
                rss = servers.settle_rss(server.pid)
                step = servers.memory_step(target, result, rss, baseline, figure["steps"])
                step["gc"] = probe.dump()
                figure["steps"].append(step)
                pauses = step["gc"]["max_pause_ms"]
                progress(
                    f"  {opened:,} chat pages open: RSS {rss / 2**20:.0f} MiB,"
                    f" {(step['per_page_bytes'] or 0) / 1024:.1f} KiB per page;"
                    f" longest collection {max(pauses.values()):.1f} ms"
                )
                if opened < target * 0.9:
                    figure["error"] = f"only {opened:,} of {target:,} pages open; stopped"
                    break
            complete = probe.dump(complete=True)
            freed = servers.settle_rss(server.pid)
            # What the collection freed, RSS rarely shows: pages opened now reuse it.
            more = swarm.open(path, steps[0], open_timeout)
            servers.wait_idle(server.pid, timeout=60)
            after = servers.settle_rss(server.pid)
            figure["complete_collection"] = {
                "open": opened,
                "ms": complete["complete_ms"],
                "frozen_objects": complete["frozen_objects"],
                "dead_objects": complete.get("dead_objects"),
                "then_opened": more["open"] - opened,
                "then_added_per_page_bytes": (
                    (after - freed) / (more["open"] - opened) if more["open"] > opened else None
                ),
            }
            progress(
                f"  complete collection with {opened:,} open: {complete['complete_ms']:.0f} ms"
                f" over {complete['frozen_objects']:,} frozen objects,"
                f" {complete.get('dead_objects') or 0:,} of them dead; the"
                f" {more['open'] - opened:,} pages opened after it added"
                f" {(after - freed) / max(1, more['open'] - opened) / 1024:.1f} KiB each"
            )
    finally:
        server.stop()
    return figure


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    figure = figures.get("chat_room")
    if not figure:
        return []
    out = []
    for step in figure["steps"]:
        per_page = step["per_page_bytes"]
        note = f"{figure['history']} in view; RSS {step['rss_bytes'] / 2**20:.0f} MiB"
        added = step.get("added_per_page_bytes")
        if added is not None:
            note += f"; this step's pages added {added / 1024:.1f} KiB each"
        if step["failed"]:
            note += f"; {step['failed']} failed"
        value = "n/a" if per_page is None else f"{per_page / 1024:.1f} KiB"
        out.append((f"chat page memory @ {step['open']:,}", value, "<= 30 KB, flat", note))
    if figure["steps"]:
        last = figure["steps"][-1]
        pauses = last["gc"]["max_pause_ms"]
        generation = max(pauses, key=pauses.get)
        cpu = last["gc"].get("max_pause_cpu_ms", {})
        out.append(
            (
                f"largest GC pause, chat room @ {last['open']:,}",
                f"{pauses[generation]:.1f} ms",
                "<= 50 ms @ 10,000",
                f"Python's own collections while the step's pages joined; gen {generation}"
                + (f"; longest in CPU time {max(cpu.values()):.1f} ms" if cpu else ""),
            )
        )
    complete = figure.get("complete_collection")
    if complete:
        out.append(
            (
                f"  complete collection @ {complete['open']:,}",
                f"{complete['ms']:.0f} ms",
                "",
                f"frees cycles that died frozen; every GC FULL_EVERY s (600 by default);"
                f" {complete['frozen_objects']:,} objects, of which"
                f" {complete.get('dead_objects') or 0:,} dead",
            )
        )
        reuse = complete.get("then_added_per_page_bytes")
        if reuse is not None:
            out.append(
                (
                    "  chat pages opened after it",
                    f"{reuse / 1024:.1f} KiB",
                    "",
                    f"{complete['then_opened']:,} more pages; RSS each added: freed memory reused",
                )
            )
    if "error" in figure:
        out.append(("chat room memory", "short", "", figure["error"]))
    return out
