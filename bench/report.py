"""The table on stdout and the plots beside the JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.chat_room import report_rows as chat_room_rows
from bench.components import report_rows as component_rows
from bench.crowd import report_rows as crowd_rows
from bench.flame import report_rows as flame_rows
from bench.floors import report_rows as floors_rows
from bench.longpoll import report_rows as longpoll_rows
from bench.scale_out import report_rows as scale_out_rows
from bench.shared import report_rows as shared_rows
from bench.shutdown import report_rows as shutdown_store_rows
from bench.streams import report_rows as stream_rows
from bench.uploads import report_rows as upload_rows

NA = "n/a"

# The goals the issues set for this 2-core machine (design targets, reported as they stand).
GOALS = {
    "memory": "<= 24 KiB @ 10,000",
    "echo": "(the limit)",
    "fanout_1000": "",
    "fanout_10000": "p99 <= 250 ms",
    "roundtrip": "p50 <= 2 ms, p99 <= 10 ms",
    "events": ">= 20,000/s",
    "wire_increment": "<= 96 B",
    "wire_cell": "< 200 B",
    "rerender": "< 10% of Django's render",
    "dead_render": ">= 80% of plain",
    "connect": "",
    "gc": "<= 50 ms @ 10,000",
    "client_js": "",
    "idle": "<= bare + 5 KiB",
    "watchdog": "~ off",
    "telemetry": "~ no handler",
    "compression": "off by default",
    "checkpoint": "measured: opt-in",
    "shutdown": "all frozen, 0 failed; rejoins thaw",
    "join_flood": "RSS within 10 MB; honest p99 < 50 ms",
}


def kib(value: float | None) -> str:
    return NA if value is None else f"{value / 1024:.1f} KiB"


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    out: list[tuple[str, str, str, str]] = []
    memory = figures.get("memory", {})
    echo = figures.get("echo", {})
    echo_steps = {s["target"]: s for s in echo.get("steps", [])}
    mem_steps = memory.get("steps", [])
    if not mem_steps:
        out.append(("memory per open page", NA, GOALS["memory"], memory.get("error", "not run")))
    for step in mem_steps:
        limit = echo_steps.get(step["target"], {}).get("per_page_bytes")
        note = f"{step['open']} open, RSS {step['rss_bytes'] / 2**20:.0f} MiB"
        added = step.get("added_per_page_bytes")
        if added is not None:
            note += f"; the pages of this step added {kib(added)} each"
        if step["failed"]:
            note += f", {step['failed']} failed"
        out.append(
            (
                f"memory per page @ {step['target']:,}",
                kib(step["per_page_bytes"]),
                GOALS["memory"],
                note,
            )
        )
        out.append(
            (
                f"  bare WebSocket @ {step['target']:,}",
                kib(limit),
                GOALS["echo"],
                "echo app, same uvicorn flags",
            )
        )
    if not echo_steps and echo.get("error"):
        out.append(("bare WebSocket", NA, GOALS["echo"], echo["error"]))

    fanout = figures.get("fanout", {})
    for step in fanout.get("steps", []):
        goal = GOALS.get(f"fanout_{step.get('target', step['open'])}", "")
        if "error" in step:
            out.append((f"fan-out @ {step['open']:,}", NA, goal, step["error"][:80]))
            continue
        value = f"{ms(step['p50_ms'])} / {ms(step['p99_ms'])} / {ms(step['max_ms'])}"
        note = f"p50/p99/max of {step['count']}; CPU {step['cpu_ms_per_broadcast']:.0f} ms each"
        if "join_seconds" in step:
            note += f"; joined in {step['join_seconds']:.1f}s"
        if step["missing"]:
            note += f"; {step['missing']} frames missing"
        if step.get("short"):
            note += f"; {step['short']}"
        out.append((f"fan-out @ {step['open']:,}", value, goal, note))
    if not fanout.get("steps"):
        out.append(("fan-out", NA, GOALS["fanout_10000"], fanout.get("error", "not run")))
    out += chat_room_rows(figures)
    out += crowd_rows(figures)
    out += scale_out_rows(figures)
    out += floors_rows(figures)

    deflate = figures.get("compression", {})
    if deflate.get("per_page_bytes"):
        off = next((s for s in mem_steps if s["target"] == deflate["pages"]), {}).get(
            "per_page_bytes"
        )
        out.append(
            (
                f"memory per page, deflate on @ {deflate['pages']:,}",
                kib(deflate["per_page_bytes"]),
                GOALS["compression"],
                f"permessage-deflate accepted; off: {kib(off)}" if off else "permessage-deflate",
            )
        )
    out += idle_rows(figures)
    roundtrip = figures.get("roundtrip", {})
    if "p50_ms" in roundtrip:
        note = f"{roundtrip['count']} clicks, {roundtrip['open_pages']:,} pages open"
        if roundtrip["errors"]:
            note += f", {sum(roundtrip['errors'].values())} errors"
        out.append(
            (
                "round trip p50 / p99",
                f"{ms(roundtrip['p50_ms'])} / {ms(roundtrip['p99_ms'])}",
                GOALS["roundtrip"],
                note,
            )
        )
        out.append(
            (
                "events/s (50 clients)",
                f"{roundtrip['events_per_second']:,.0f}",
                GOALS["events"],
                "closed loop, one click in flight per client",
            )
        )
    else:
        out.append(("round trip", NA, GOALS["roundtrip"], str(roundtrip.get("errors", "not run"))))
    out += longpoll_rows(figures)

    wire = figures.get("wire_increment")
    out.append(
        (
            "wire: counter increment",
            f"{wire['bytes']} B" if wire else NA,
            GOALS["wire_increment"],
            "the whole reply frame, exact",
        )
    )
    tab = figures.get("table", {})
    if "cell_diff_bytes" in tab:
        out.append(
            (
                "wire: 1 cell of 200 rows",
                f"{tab['cell_diff_bytes']} B",
                GOALS["wire_cell"],
                f"diff JSON; full render {tab['full_render_bytes']:,} B",
            )
        )
        live, plain = tab["rerender_diff_us"], tab["django_render_us"]
        out.append(
            (
                "re-render+diff, 1 cell",
                f"{live['median']:.0f} / {live['p99']:.0f} µs",
                GOALS["rerender"],
                "median / p99, in-process",
            )
        )
        out.append(
            (
                "  Django full render",
                f"{plain['median']:.0f} / {plain['p99']:.0f} µs",
                "",
                "median / p99, same table",
            )
        )
    else:
        out.append(("wire: 1 cell of 200 rows", NA, GOALS["wire_cell"], tab.get("error", "")))
    out += stream_rows(figures)
    out += upload_rows(figures)
    out += component_rows(figures)
    out += shared_rows(figures)

    dead = figures.get("dead_render", {})
    live_rps = dead.get("live", {}).get("requests_per_second")
    plain_rps = dead.get("plain", {}).get("requests_per_second")
    if live_rps and plain_rps:
        out.append(
            (
                "dead render GET /counter/",
                f"{live_rps:,.0f} req/s",
                GOALS["dead_render"],
                f"{live_rps / plain_rps:.0%} of plain; wrk -c32 {dead['seconds']}s",
            )
        )
        out.append(("  plain Django view", f"{plain_rps:,.0f} req/s", "", "/counter-plain/"))
    else:
        out.append(("dead render", NA, GOALS["dead_render"], dead.get("error", "not run")))

    connect = figures.get("connect", {})
    if connect.get("joined"):
        seconds = connect["join_seconds"]
        note = f"{connect['joined']:,} of {connect['pages']:,} at once in {seconds:.1f}s"
        out.append(
            ("connect rate", f"{connect['joins_per_second']:,.0f} joins/s", GOALS["connect"], note)
        )
    else:
        out.append(("connect rate", NA, GOALS["connect"], str(connect.get("errors", "not run"))))

    pause = memory.get("gc_pause")
    if pause:
        out.append(
            (
                f"largest GC pause @ {pause['open']:,}",
                ms(pause["max_ms"]),
                GOALS["gc"],
                f"gen {pause['generation']}, wall time incl. finalizers, since warm-up;"
                f" longest in CPU time {pause.get('max_cpu_ms', 0):.1f} ms",
            )
        )
    else:
        out.append(("largest GC pause", NA, GOALS["gc"], memory.get("error", "not run")))
    out += watchdog_rows(figures)
    out += flood_rows(figures)
    out += shutdown_rows(figures)
    out += telemetry_rows(figures)
    js = figures.get("client_js", {})
    out.append(
        (
            "client JS",
            kib(js.get("gzip_total")),
            GOALS["client_js"],
            "phoenix + phoenix_live_view + tether.js, gzip -9",
        )
    )
    out += flame_rows(figures)
    for name, error in figures.get("failures", {}).items():
        out.append((f"FAILED: {name}", NA, "", error.splitlines()[-1][:100] if error else ""))
    return out


def idle_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    idle = figures.get("idle")
    if not idle:
        return []
    pages = idle["pages"]
    echo = {s["target"]: s for s in figures.get("echo", {}).get("steps", [])}
    limit = echo.get(pages, {}).get("per_page_bytes")
    out = []
    for name in ("off", "on"):
        variant = idle.get("variants", {}).get(name)
        if variant is None:
            continue
        label = f"idle chat page @ {pages:,}, freezing {name}"
        if "error" in variant:
            out.append((label, NA, GOALS["idle"] if name == "on" else "", variant["error"][:80]))
            continue
        note = f"{idle['history']} in view; RSS {variant['rss_bytes'] / 2**20:.0f} MiB"
        wake = variant.get("wake", {})
        if "last_ms" in wake:
            note += f"; a message reaches all in {wake['last_ms']:,.0f} ms"
            if wake["missing"]:
                note += f", {wake['missing']:,} missing"
        if variant.get("lost_from_store_in_log"):
            note += f"; {variant['lost_from_store_in_log']:,} thaws lost"
        goal = GOALS["idle"] if name == "on" else ""
        out.append((label, kib(variant["per_page_bytes"]), goal, note))
    if limit is not None:
        out.append((f"  bare WebSocket @ {pages:,}", kib(limit), GOALS["echo"], "echo app"))
    return out


def shutdown_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return shutdown_store_rows(figures, GOALS["shutdown"])


def flood_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    flood = figures.get("join_flood")
    if not flood:
        return []
    growth = flood["rss_growth"] / (1024 * 1024)
    honest = f"{ms(flood['honest_p50_ms'])} / {ms(flood['honest_p99_ms'])}"
    note = (
        f"{flood['joins']:,} joins over {flood['connections']} connection(s); "
        f"{flood['honest_clicks']} honest clicks"
    )
    return [
        (
            "join flood: RSS growth; honest click p50 / p99",
            f"{growth:+.1f} MB; {honest}",
            GOALS["join_flood"],
            note,
        )
    ]


def watchdog_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return variant_rows(figures, "watchdog") + variant_rows(figures, "checkpoint")


def variant_rows(figures: dict[str, Any], key: str) -> list[tuple[str, str, str, str]]:
    figure = figures.get(key)
    if not figure:
        return []
    out = []
    for name, variant in figure.get("variants", {}).items():
        if "p50_ms" not in variant:
            out.append((f"{key} {name}", NA, "", str(variant.get("errors"))[:80]))
            continue
        note = f"{variant['count']} clicks, {figure['clients']} clients, {variant['open']:,} open"
        if variant["errors"]:
            note += f", {sum(variant['errors'].values())} errors"
        out.append(
            (
                f"{key} {name}: p50 / p99, events/s",
                f"{ms(variant['p50_ms'])} / {ms(variant['p99_ms'])}, "
                f"{variant['events_per_second']:,.0f}/s",
                GOALS[key] if name != "off" else "",
                note,
            )
        )
    return out


def telemetry_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    telemetry = figures.get("telemetry")
    if not telemetry:
        return []
    out = []
    for name, variant in telemetry.get("variants", {}).items():
        if "p50_ms" not in variant:
            out.append((f"round trip, {name}", NA, "", str(variant.get("errors"))[:80]))
            continue
        note = (
            f"{variant['count']} clicks, {telemetry['clients']} clients, {variant['open']:,} open"
        )
        if variant["errors"]:
            note += f", {sum(variant['errors'].values())} errors"
        out.append(
            (
                f"round trip, {name}: p50 / p99, events/s",
                f"{ms(variant['p50_ms'])} / {ms(variant['p99_ms'])}, "
                f"{variant['events_per_second']:,.0f}/s",
                GOALS["telemetry"] if name != "no handler" else "",
                note,
            )
        )
    points = telemetry.get("emit_point_ns")
    if points:
        out.append(
            (
                "an event's emit point, nothing attached",
                f"{points['nothing_attached']:.0f} ns",
                "",
                f"{points['one_handler']:.0f} ns with one counting handler; in-process",
            )
        )
    idle = telemetry.get("idle_cpu_ms_per_s")
    if idle:
        out.append(
            (
                "dashboard open, idle server CPU",
                f"{idle['open']:.1f} ms/s",
                "",
                f"{idle['closed']:.1f} ms/s with it closed; renders and snapshots once a second",
            )
        )
    if telemetry.get("screenshot"):
        out.append(("dashboard under load", "", "", telemetry["screenshot"]))
    return out


def render_table(figures: dict[str, Any]) -> str:
    header = ("figure", "value", "goal", "note")
    body = rows(figures)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(4)]

    def line(cells: tuple[str, str, str, str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in body)])


def plot(figures: dict[str, Any], samples: dict[str, Any], path: Path) -> bool:
    """Memory per page beside the bare-socket limit, and the latency distributions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for key, label in (("memory", "Tether counter page"), ("echo", "bare WebSocket (limit)")):
        steps = [s for s in figures.get(key, {}).get("steps", []) if s["per_page_bytes"]]
        if steps:
            left.plot(
                [s["open"] for s in steps],
                [s["per_page_bytes"] / 1024 for s in steps],
                marker="o",
                label=label,
            )
    idle = figures.get("idle", {})
    for name, marker in (("off", "s"), ("on", "^")):
        variant = idle.get("variants", {}).get(name, {})
        if variant.get("per_page_bytes"):
            left.scatter(
                [variant["open"]],
                [variant["per_page_bytes"] / 1024],
                marker=marker,
                label=f"idle chat page (~10 KB state), freezing {name}",
            )
    left.set_xlabel("open pages")
    left.set_ylabel("server RSS per page (KiB)")
    left.set_title("Memory per open page")
    left.set_ylim(bottom=0)
    left.grid(alpha=0.3)
    left.legend()

    series = [("round trip (click → diff)", samples.get("roundtrip_seconds", []))]
    for key in sorted(samples):
        if key.startswith("fanout_") and key.endswith("_arrivals_seconds"):
            pages = key.split("_")[1]
            series.append((f"one broadcast to {pages} pages, each arrival", samples[key]))
        if key.startswith("fanout_") and key.endswith("_last_seconds"):
            pages = key.split("_")[1]
            series.append((f"broadcast to {pages} pages, last arrival", samples[key]))
    for label, values in series:
        if values:
            ordered = sorted(v * 1e3 for v in values)
            fractions = [(i + 1) / len(ordered) for i in range(len(ordered))]
            right.step(ordered, fractions, where="post", label=label)
    right.set_xscale("log")
    right.set_xlabel("latency (ms, log)")
    right.set_ylabel("fraction ≤ x")
    right.set_title("Latency distribution")
    right.grid(alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def render_where(figures: dict[str, Any]) -> str:
    where = figures.get("where_memory")
    if not where:
        return "where-memory: n/a " + str(figures.get("failures", ""))
    lines = [
        f"{where['pages']:,} counter pages: {kib(where['traced_bytes_per_page'])} traced"
        f" and {kib(where['rss_bytes_per_page'])} RSS per page",
        "",
        "| bytes/page | blocks/page | where |",
        "|-----------:|------------:|-------|",
    ]
    for entry in where["by_line"]:
        size, blocks = entry["bytes_per_page"], entry["blocks_per_page"]
        lines.append(f"| {size:,.0f} | {blocks:.1f} | {entry['where']} |")
    return "\n".join(lines)
