"""The benchmark suite: each figure against its own server process, then one table."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import statistics
import subprocess
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import (
    chat_room,
    crowd,
    dashboard,
    flame,
    flood,
    floors,
    scale_out,
    servers,
    shutdown,
    table,
)
from bench import components as bench_components
from bench import longpoll as bench_longpoll
from bench import shared as bench_shared
from bench import streams as bench_streams
from bench import uploads as bench_uploads
from bench.fleet import Swarm, WorkerError, clicks, progress, raise_fd_limit
from tether.testing import ServerProcess

STATIC = servers.ROOT / "src" / "tether" / "static" / "tether"
CHAT_PATH = "/chat/bench/"
COUNTER_PATH = "/counter/"
LONGPOLL_CLICKS = 200  # one page, one click at a time: the long-poll round trip
# The sweeper runs every 5 s and freezes views idle longer than FREEZE_IDLE_AFTER.
SWEEP_EVERY = 5.0
# The flame graphs sample extra, unmeasured work: this many broadcasts at the
# fan-out's largest step, and the round trip's clicks this many times over.
FLAME_BROADCASTS = 10
FLAME_CLICK_ROUNDS = 10


@dataclass(frozen=True)
class Plan:
    memory_steps: tuple[int, ...]
    fanout_steps: tuple[int, ...]
    broadcasts: int
    roundtrip_pages: int
    roundtrip_clients: int
    roundtrip_clicks: int
    wrk_seconds: int
    connect_pages: int
    table_repeats: int
    open_timeout: float
    fanout_timeout: float
    idle_pages: int
    idle_messages: int
    idle_body_chars: int
    idle_after: float
    idle_wait: float
    watchdog_ms: tuple[int, ...]
    watchdog_pages: int
    watchdog_rounds: int
    idle_batches: int = 8  # pages join in batches, idling long enough to freeze
    flood_joins: int = 20_000  # phx_join frames one connection floods the server with
    shutdown_pages: int = 2_000  # chat pages open when the deploy sends SIGTERM (per store)
    # The crowd: one room filled through these steps, heartbeats every
    # crowd_heartbeat s against an idle timeout of crowd_idle_timeout s.
    crowd_steps: tuple[int, ...] = (1_000, 5_000, 10_000)
    crowd_heartbeat: float = 30.0
    crowd_idle_timeout: float = 90.0
    # One chat room filled through these steps, the room's last messages in view.
    chat_room_steps: tuple[int, ...] = (1_000, 5_000, 10_000)
    chat_room_history: int = 50
    # The deployed configuration: pages across two workers, broadcasts to all of them.
    scale_pages: int = 20_000
    scale_broadcasts: int = 10
    # The floors: plain Django page loads, as many as the crowd keeps in flight.
    floor_page_loads: int = 2_000

    @classmethod
    def full(cls) -> Plan:
        return cls(
            memory_steps=(1_000, 5_000, 10_000, 15_000),
            fanout_steps=(1_000, 10_000),
            broadcasts=20,
            roundtrip_pages=1_000,
            roundtrip_clients=50,
            roundtrip_clicks=20,
            wrk_seconds=5,
            connect_pages=5_000,
            table_repeats=1_000,
            open_timeout=600.0,
            fanout_timeout=300.0,
            idle_pages=5_000,
            idle_messages=50,
            idle_body_chars=200,
            idle_after=2.0,
            idle_wait=10.0,
            watchdog_ms=(0, 100, 500),
            watchdog_pages=1_000,
            watchdog_rounds=3,
            shutdown_pages=10_000,
        )

    @classmethod
    def quick(cls) -> Plan:
        return cls(
            memory_steps=(1_000, 2_000),
            fanout_steps=(500, 1_000),
            broadcasts=5,
            roundtrip_pages=1_000,
            roundtrip_clients=50,
            roundtrip_clicks=20,
            wrk_seconds=2,
            connect_pages=500,
            table_repeats=200,
            open_timeout=120.0,
            fanout_timeout=60.0,
            idle_pages=300,
            idle_messages=20,
            idle_batches=2,
            idle_body_chars=200,
            idle_after=1.0,
            idle_wait=6.0,
            watchdog_ms=(0, 100, 500),
            watchdog_pages=200,
            watchdog_rounds=1,
            crowd_steps=(400, 800, 1_600),
            chat_room_steps=(500, 1_000),
            crowd_heartbeat=5.0,
            crowd_idle_timeout=15.0,
            scale_pages=1_000,
            scale_broadcasts=5,
            floor_page_loads=400,
        )


def percentile(values: list[float], fraction: float) -> float:
    return table.percentile(values, fraction)


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": statistics.median(values) * 1e3,
        "p99_ms": percentile(values, 0.99) * 1e3,
        "max_ms": max(values) * 1e3,
        "count": len(values),
    }


class Suite:
    """Runs the figures in order; each one records its numbers or why it has none."""

    def __init__(
        self,
        plan: Plan,
        workers: int,
        where: bool = False,
        only: tuple[str, ...] = (),
        stem: Path | None = None,
    ) -> None:
        self.plan = plan
        # The results' path without suffix: flame graphs are <stem>-<name>.svg beside them.
        self.stem = stem or results_stem({"date": time.strftime("%Y-%m-%d"), "commit": "run"})
        self.where = where
        self.only = only
        self.workers = workers
        self.figures: dict[str, Any] = {}
        self.samples: dict[str, Any] = {}
        self.db = servers.DemoDatabase()

    def run(self) -> dict[str, Any]:
        raise_fd_limit()
        steps: list[tuple[str, Callable[[], None]]] = [
            ("wire size: 200-row table, in-process", self.table),
            ("streams: insert frame, chat page memory", self.streams),
            ("components: click frame in 1 of 100, page memory", self.components),
            ("shared renders: a broadcast to 1,000 views, in-process", self.shared),
            ("client JavaScript bytes", self.client_js),
            ("memory per open page, round trip, wire size", self.memory),
            ("memory per bare WebSocket (the limit)", self.echo),
            ("a full chat room: memory per page, collector pauses", self.chat_room),
            ("click round trip over long poll beside the WebSocket", self.longpoll),
            ("memory with permessage-deflate on", self.compression),
            ("dead render throughput", self.dead_render),
            ("connect rate", self.connect_rate),
            ("joins like a crowd into one room", self.crowd),
            ("fan-out", self.fanout),
            ("the chat as deployed: two workers, Redis, PostgreSQL", self.scale_out),
            ("the floors: a bare broadcast and round trip, Django's page loads", self.floors),
            ("idle freezing", self.idle),
            ("watchdog overhead", self.watchdog),
            ("checkpoint overhead", self.checkpoint),
            ("join flood on one connection", self.join_flood),
            ("graceful shutdown with chat pages open", self.shutdown),
            ("telemetry and dashboard cost", self.telemetry),
            ("upload: 100 MB over loopback", self.upload),
        ]
        if self.only:
            steps = [(n, f) for n, f in steps if f.__name__ in self.only]
        if self.where:
            steps = [("where the memory of one open page goes", self.where_memory)]
        try:
            for number, (name, step) in enumerate(steps, 1):
                progress(f"[{number}/{len(steps)}] {name}")
                started = time.monotonic()
                try:
                    step()
                except (WorkerError, RuntimeError, OSError, subprocess.SubprocessError) as exc:
                    progress(f"  failed: {exc}")
                    self.figures.setdefault("failures", {})[name] = str(exc)[:2000]
                progress(f"  done in {time.monotonic() - started:.1f}s")
        finally:
            self.db.cleanup()
        return {"figures": self.figures, "samples": self.samples}

    # -- helpers -----------------------------------------------------------------

    def server(self, name: str, env: dict[str, str] | None = None) -> ServerProcess:
        server = servers.demo_server(self.db, name, env)
        progress(f"  demo server {name} on {server.url}, pid {server.pid}")
        return server

    def swarm(self, label: str, server: ServerProcess) -> Swarm:
        return Swarm(label, server.url, server.port, self.workers)

    @contextmanager
    def flame(self, name: str, what: str, pid: int) -> Iterator[None]:
        """A py-spy flame graph of ``pid`` while the block runs: <stem>-<name>.svg."""
        path = self.stem.with_name(f"{self.stem.name}-{name}.svg")
        progress(f"  flame graph of {what}: {path.name}")
        with flame.record(pid, path) as found:
            found["what"] = what
            self.figures.setdefault("flames", {})[name] = found
            yield
        progress(f"  flame graph: {found.get('svg') or found.get('error')}")

    def open(self, swarm: Swarm, path: str | None, count: int) -> dict[str, Any]:
        result = swarm.open(path, count, self.plan.open_timeout)
        if result["failed"]:
            progress(f"  {result['failed']} pages failed: {list(result['errors'].items())[:3]}")
        return result

    # -- figures -----------------------------------------------------------------

    def upload(self) -> None:
        media = self.db.logs / "media"
        server = self.server("upload", {"DEMO_MEDIA": str(media)})
        try:
            size = (
                bench_uploads.SIZE if self.plan.connect_pages > 1_000 else bench_uploads.SIZE // 5
            )
            self.figures["upload"] = bench_uploads.measure(server.url, server.pid, size)
        finally:
            server.stop()

    def table(self) -> None:
        self.figures["table"] = table.measure(self.plan.table_repeats)

    def streams(self) -> None:
        self.figures["streams"] = bench_streams.measure(self.db.path, servers.ROOT)

    def shared(self) -> None:
        self.figures["shared"] = bench_shared.measure(self.db.path, servers.ROOT)

    def components(self) -> None:
        self.figures["components"] = bench_components.measure(servers.ROOT)

    def longpoll(self) -> None:
        server = self.server("longpoll")
        try:
            self.figures["longpoll"] = bench_longpoll.measure(server.url, LONGPOLL_CLICKS)
        finally:
            server.stop()

    def client_js(self) -> None:
        names = ["vendor/phoenix.min.js", "vendor/phoenix_live_view.min.js", "tether.js"]
        files = [STATIC / name for name in names]
        if not all(path.exists() for path in files):
            self.figures["client_js"] = {"error": "run `make install` to copy the client"}
            return
        sizes = {}
        for name, path in zip(names, files, strict=True):
            data = path.read_bytes()
            sizes[name] = {"raw": len(data), "gzip": len(gzip.compress(data, 9))}
        self.figures["client_js"] = {
            "files": sizes,
            "gzip_total": sum(s["gzip"] for s in sizes.values()),
        }

    def memory(self) -> None:
        probe = servers.Probe(self.db, "memory")
        server = probe.server
        progress(f"  demo server (GC probe) on {server.url}, pid {server.pid}")
        figure: dict[str, Any] = {"steps": []}
        self.figures["memory"] = figure
        try:
            with self.swarm("memory", server) as swarm:
                warm = self.open(swarm, COUNTER_PATH, 10 * len(swarm))
                if warm["open"] == 0:
                    figure["error"] = f"no counter page joined: {warm['errors']}"
                    return
                swarm.all("click", 60, clients=1, clicks=1, within=30)
                swarm.all("close", 60)
                servers.wait_idle(server.pid)
                figure["baseline_bytes"] = baseline = servers.settle_rss(server.pid)
                probe.reset()
                opened = 0
                for target in self.plan.memory_steps:
                    result = self.open(swarm, COUNTER_PATH, target - opened)
                    opened = result["open"]
                    servers.wait_idle(server.pid)
                    rss = servers.settle_rss(server.pid)
                    step = servers.memory_step(target, result, rss, baseline, figure["steps"])
                    step["join_seconds"] = result["join_seconds"]
                    step["gc"] = probe.dump()
                    figure["steps"].append(step)
                    per_page = step["per_page_bytes"] or 0
                    progress(
                        f"  {opened} pages open: RSS {rss / 2**20:.0f} MiB, "
                        f"{per_page / 1024:.1f} KiB per page"
                    )
                    if target == self.plan.roundtrip_pages:
                        self.roundtrip(swarm, opened, server.pid)
                    if opened < target * 0.9:
                        figure["error"] = f"only {opened} of {target} pages open; stopped"
                        break
                steps = figure["steps"]
                at = next((s for s in steps if s["target"] == 10_000), steps[-1] if steps else None)
                if at is not None:
                    pauses = at["gc"]["max_pause_ms"]
                    generation = max(pauses, key=pauses.get)
                    figure["gc_pause"] = {
                        "open": at["open"],
                        "max_ms": pauses[generation],
                        "max_cpu_ms": max(at["gc"].get("max_pause_cpu_ms", {0: 0}).values()),
                        "generation": int(generation),
                        "note": "longest collection after warm-up, gc.callbacks, wall time",
                    }
        finally:
            server.stop()

    def where_memory(self, frames: int = 8, top: int = 25) -> None:
        """Allocations that a step of open pages added, by line, from tracemalloc."""
        import tracemalloc

        pages = self.plan.memory_steps[0]
        probe = servers.Probe(self.db, "where", tracemalloc_frames=frames)
        server = probe.server
        progress(f"  demo server (tracemalloc) on {server.url}, pid {server.pid}")
        try:
            with self.swarm("where", server) as swarm:
                self.open(swarm, COUNTER_PATH, 10 * len(swarm))
                swarm.all("close", 60)
                servers.wait_idle(server.pid)
                probe.dump()
                rss_before = servers.rss_bytes(server.pid)
                result = self.open(swarm, COUNTER_PATH, pages)
                servers.wait_idle(server.pid)
                probe.dump()
                opened = result["open"]
                rss_after = servers.rss_bytes(server.pid)
            before = tracemalloc.Snapshot.load(str(probe.snapshot(1)))
            after = tracemalloc.Snapshot.load(str(probe.snapshot(2)))
            lines = after.compare_to(before, "lineno")
            files = after.compare_to(before, "filename")
            total = sum(stat.size_diff for stat in lines)

            def entry(stat: tracemalloc.StatisticDiff) -> dict[str, Any]:
                frame = stat.traceback[0]
                where = str(frame.filename).replace(str(servers.ROOT) + "/", "")
                return {
                    "where": f"{where}:{frame.lineno}",
                    "bytes_per_page": stat.size_diff / max(opened, 1),
                    "blocks_per_page": stat.count_diff / max(opened, 1),
                }

            self.figures["where_memory"] = {
                "pages": opened,
                "traced_bytes_per_page": total / max(opened, 1),
                "rss_bytes_per_page": (rss_after - rss_before) / max(opened, 1),
                "by_line": [entry(s) for s in lines[:top]],
                "by_file": [
                    {**entry(s), "where": entry(s)["where"].rsplit(":", 1)[0]} for s in files[:top]
                ],
            }
        finally:
            server.stop()

    def roundtrip(self, swarm: Swarm, opened: int, pid: int) -> None:
        plan = self.plan
        progress(
            f"  round trip: {plan.roundtrip_clients} clients x {plan.roundtrip_clicks} clicks"
            f" with {opened} pages open"
        )
        latencies, errors, elapsed, sample = clicks(
            swarm, plan.roundtrip_clients, plan.roundtrip_clicks
        )
        figure: dict[str, Any] = {"open_pages": opened, "errors": errors}
        if latencies:
            figure.update(summary_ms(latencies))
            figure["events_per_second"] = len(latencies) / elapsed
        self.figures["roundtrip"] = figure
        self.samples["roundtrip_seconds"] = latencies
        if sample is not None:
            self.figures["wire_increment"] = {"frame": sample, "bytes": len(sample.encode())}
        if latencies:  # the profile: more of the same clicks, not measured
            with self.flame("click", f"a click with {opened:,} pages open", pid):
                clicks(swarm, plan.roundtrip_clients, plan.roundtrip_clicks * FLAME_CLICK_ROUNDS)

    def compression(self) -> None:
        """Memory per counter page when the browser's permessage-deflate offer is accepted."""
        pages = self.plan.memory_steps[0]
        figure: dict[str, Any] = {"pages": pages}
        self.figures["compression"] = figure
        os.environ["BENCH_DEFLATE"] = "1"  # the client workers inherit it
        server = servers.demo_server(self.db, "deflate", env={"TETHER_UVICORN_DEFLATE": "1"})
        progress(f"  demo server with permessage-deflate on {server.url}, pid {server.pid}")
        try:
            with self.swarm("deflate", server) as swarm:
                self.open(swarm, COUNTER_PATH, 10 * len(swarm))
                swarm.all("close", 60)
                servers.wait_idle(server.pid)
                baseline = servers.settle_rss(server.pid)
                result = self.open(swarm, COUNTER_PATH, pages)
                servers.wait_idle(server.pid)
                rss = servers.settle_rss(server.pid)
                opened = result["open"]
                figure.update(
                    open=opened,
                    failed=result["failed"],
                    rss_bytes=rss,
                    per_page_bytes=(rss - baseline) / opened if opened else None,
                )
                each = (rss - baseline) / max(opened, 1) / 1024
                progress(f"  {opened} deflate pages: {each:.1f} KiB each")
        finally:
            os.environ.pop("BENCH_DEFLATE", None)
            server.stop()

    def echo(self) -> None:
        server = servers.echo_server(self.db)
        progress(f"  echo server on {server.url}, pid {server.pid}")
        figure: dict[str, Any] = {"steps": []}
        self.figures["echo"] = figure
        try:
            with self.swarm("echo", server) as swarm:
                self.open(swarm, None, 10 * len(swarm))
                swarm.all("close", 60)
                servers.wait_idle(server.pid)
                figure["baseline_bytes"] = baseline = servers.settle_rss(server.pid)
                opened = 0
                for target in self.plan.memory_steps:
                    result = self.open(swarm, None, target - opened)
                    opened = result["open"]
                    servers.wait_idle(server.pid)
                    rss = servers.settle_rss(server.pid)
                    per_page = (rss - baseline) / opened if opened else None
                    figure["steps"].append(
                        {
                            "target": target,
                            "open": opened,
                            "rss_bytes": rss,
                            "per_page_bytes": per_page,
                        }
                    )
                    progress(f"  {opened} sockets open: RSS {rss / 2**20:.0f} MiB")
                    if opened < target * 0.9:
                        figure["error"] = f"only {opened} of {target} sockets open; stopped"
                        break
        finally:
            server.stop()

    def dead_render(self) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            self.figures["dead_render"] = {"error": "wrk is not installed"}
            return
        server = self.server("dead-render")
        figure: dict[str, Any] = {"seconds": self.plan.wrk_seconds, "connections": 32}
        self.figures["dead_render"] = figure
        try:
            for name, path in (("live", COUNTER_PATH), ("plain", "/counter-plain/")):
                command = [wrk, "-t1", "-c32", f"-d{self.plan.wrk_seconds}s", server.url + path]
                out = subprocess.run(
                    command, capture_output=True, text=True, timeout=self.plan.wrk_seconds + 30
                ).stdout
                match = re.search(r"Requests/sec:\s+([\d.]+)", out)
                errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
                figure[name] = {
                    "requests_per_second": float(match.group(1)) if match else None,
                    "non_2xx": int(errors.group(1)) if errors else 0,
                }
                progress(f"  GET {path}: {figure[name]['requests_per_second']} req/s")
        finally:
            server.stop()

    def connect_rate(self) -> None:
        server = self.server("connect")
        try:
            with self.swarm("connect", server) as swarm:
                self.open(swarm, COUNTER_PATH, 10 * len(swarm))
                swarm.all("close", 60)
                result = self.open(swarm, COUNTER_PATH, self.plan.connect_pages)
                self.figures["connect"] = {
                    "pages": self.plan.connect_pages,
                    "joined": result["joined"],
                    "failed": result["failed"],
                    "errors": result["errors"],
                    "join_seconds": result["join_seconds"],
                    "joins_per_second": result["joined"] / result["join_seconds"],
                    "dead_renders_per_second": self.plan.connect_pages / result["dead_seconds"],
                }
        finally:
            server.stop()

    def fanout(self) -> None:
        server = self.server("fanout")
        figure: dict[str, Any] = {"steps": []}
        self.figures["fanout"] = figure
        try:
            if not servers.page_exists(server.url, CHAT_PATH):
                figure["error"] = f"GET {CHAT_PATH} is not 200 (no chat page yet)"
                return
            with self.swarm("fanout", server) as swarm:
                opened = 0
                for target in self.plan.fanout_steps:
                    timeout = self.plan.fanout_timeout
                    cpu_before = servers.cpu_seconds(server.pid)
                    started = time.monotonic()
                    result = swarm.open(CHAT_PATH, target - opened, timeout)
                    opened = result["open"]
                    servers.wait_idle(server.pid, timeout=60)
                    settled = time.monotonic() - started
                    join_cpu = servers.cpu_seconds(server.pid) - cpu_before
                    progress(
                        f"  {opened:,} chat pages open: dead renders {result['dead_seconds']:.1f}s,"
                        f" joins {result['join_seconds']:.1f}s, server idle after {settled:.1f}s,"
                        f" server CPU {join_cpu:.1f}s"
                    )
                    step = self.broadcasts(swarm, server, opened)
                    step["target"] = target
                    step["join_errors"] = result["errors"]
                    step["dead_render_seconds"] = result["dead_seconds"]
                    step["join_seconds"] = result["join_seconds"]
                    step["settled_seconds"] = settled
                    step["join_cpu_seconds"] = join_cpu
                    figure["steps"].append(step)
                    if opened < target * 0.9:
                        step["short"] = f"only {opened:,} of {target:,} joined in {timeout:.0f}s"
                        step["server_log"] = servers.log_tail(server)
                        progress(f"  {step['short']}; no larger step")
                        break
                    if "error" in step:
                        break
                else:  # the profile: more broadcasts at the largest step, not measured
                    with self.flame("fanout", f"fan-out to {opened:,} chat pages", server.pid):
                        for _ in range(FLAME_BROADCASTS):
                            self.broadcast(swarm, server)
        finally:
            server.stop()

    def broadcast(self, swarm: Swarm, server: ServerProcess) -> dict[str, Any]:
        """One page posts a unique marker to the room; when each page saw it."""
        cpu_before = servers.cpu_seconds(server.pid)
        told = swarm.tell("submit", event="send", value="body={marker}", within=50)
        return {**told, "cpu": servers.cpu_seconds(server.pid) - cpu_before}

    def broadcasts(self, swarm: Swarm, server: ServerProcess, opened: int) -> dict[str, Any]:
        lasts: list[float] = []
        cpu: list[float] = []
        arrivals_of_last: list[float] = []
        missing = 0
        for n in range(self.plan.broadcasts):
            one = self.broadcast(swarm, server)
            if "error" in one:
                return {"open": opened, "error": one["error"]}
            arrivals = one["arrivals"]
            cpu.append(one["cpu"])
            missing += one["missing"]
            if not arrivals:
                return {"open": opened, "error": f"no page saw broadcast {n}"}
            lasts.append(max(arrivals))
            arrivals_of_last = arrivals
            progress(
                f"  broadcast {n + 1}/{self.plan.broadcasts} to {one['target']} pages: last after "
                f"{max(arrivals) * 1e3:.1f} ms, server CPU {one['cpu'] * 1e3:.0f} ms"
            )
            time.sleep(0.2)
        self.samples[f"fanout_{opened}_last_seconds"] = lasts
        self.samples[f"fanout_{opened}_arrivals_seconds"] = arrivals_of_last
        return {
            "open": opened,
            **summary_ms(lasts),
            "cpu_ms_per_broadcast": statistics.mean(cpu) * 1e3,
            "missing": missing,
            "clock_tick_ms": 1e3 / servers.CLOCK_TICKS,
        }

    def idle(self) -> None:
        """Open idle chat pages whose views hold ~10 KB each; RSS with idle freezing
        off and on. Frozen views go to the demo's default store, a file cache (in a
        temporary folder of its own)."""
        plan = self.plan
        figure: dict[str, Any] = {
            "pages": plan.idle_pages,
            "history": f"{plan.idle_messages} messages of {plan.idle_body_chars} chars",
            "freeze_idle_after": plan.idle_after,
            "wait_seconds": plan.idle_wait,
            "store": "file cache (the demo default)",
            "variants": {},
        }
        self.figures["idle"] = figure
        room = f"idle-{uuid.uuid4().hex[:8]}"
        for variant in ("off", "on"):
            cache = self.db.logs / f"cache-idle-{variant}"
            env = {"TETHER_CACHE_DIR": str(cache)}
            if variant == "on":
                env["TETHER_FREEZE_IDLE_AFTER"] = f"{plan.idle_after:g}"
            probe = servers.Probe(self.db, f"idle-{variant}", extra_env=env)
            progress(f"  demo server idle-{variant} (probe) on {probe.server.url}")
            try:
                # One room: "off" posts its history, "on" reads the same rows.
                figure["variants"][variant] = self.idle_variant(
                    probe, f"/chat/{room}/", cache, post=variant == "off"
                )
            finally:
                probe.server.stop()

    def idle_variant(
        self, probe: servers.Probe, path: str, cache: Path, post: bool
    ) -> dict[str, Any]:
        plan = self.plan
        server = probe.server

        def stored() -> int:
            if not cache.exists():
                return 0
            return sum(1 for f in cache.iterdir() if f.suffix == ".djcache")

        with self.swarm("idle", server) as swarm:
            first = self.open(swarm, path, 1)
            if first["open"] == 0:
                return {"error": f"no chat page joined: {first['errors']}"}
            for n in range(plan.idle_messages if post else 0):
                body = urllib.parse.urlencode({"body": chat_body(n, plan.idle_body_chars)})
                sent = swarm.one("submit", 30, event="send", value=body, within=20)
                if sent["status"] != "ok":
                    return {"error": f"send refused: {sent['reply']}"}
            self.open(swarm, path, 10 * len(swarm))
            swarm.all("close", 60)
            servers.wait_idle(server.pid)
            baseline = servers.settle_rss(server.pid)
            files_before = stored()
            # Pages arrive in batches, each left idle long enough to be frozen
            # (when freezing is on) before the next: memory a frozen view gave
            # back is reused by the pages after it, as on a server whose tabs
            # open over time. Both variants wait the same.
            batches = plan.idle_batches
            result: dict[str, Any] = {"open": 0, "failed": 0, "errors": {}, "join_seconds": 0.0}
            for batch in range(batches):
                count = plan.idle_pages // batches + (batch < plan.idle_pages % batches)
                step = self.open(swarm, path, count)
                result["open"] += step["open"]
                result["failed"] += step["failed"]
                result["join_seconds"] += step["join_seconds"]
                for key, value in step["errors"].items():
                    result["errors"][key] = result["errors"].get(key, 0) + value
                if batch < batches - 1:
                    time.sleep(plan.idle_after + SWEEP_EVERY + 1)
            opened = result["open"]
            servers.wait_idle(server.pid, timeout=60)
            joined_at = time.monotonic()
            # Idle for FREEZE_IDLE_AFTER, then one sweep, then the freezing itself.
            time.sleep(max(plan.idle_wait, plan.idle_after + SWEEP_EVERY + 1))
            servers.wait_idle(server.pid, timeout=60)
            rss = servers.settle_rss(server.pid)
            out: dict[str, Any] = {
                "open": opened,
                "failed": result["failed"],
                "errors": result["errors"],
                "join_seconds": result["join_seconds"],
                "baseline_bytes": baseline,
                "rss_bytes": rss,
                "per_page_bytes": (rss - baseline) / opened if opened else None,
                "store_files_added": stored() - files_before,
                "measured_after_seconds": time.monotonic() - joined_at,
            }
            progress(
                f"  idle {path}: {opened:,} pages, RSS {rss / 2**20:.0f} MiB,"
                f" {(out['per_page_bytes'] or 0) / 1024:.1f} KiB/page;"
                f" {out['store_files_added']} store files added"
            )
            # A message to the room wakes every view: how long until all have it.
            try:
                wake = self.broadcast(swarm, server)
            except WorkerError as exc:  # the sending page's own view may not thaw
                wake = {"error": str(exc).splitlines()[-1][:300]}
            if "error" in wake:
                out["wake"] = {"error": wake["error"]}
            elif wake["arrivals"]:
                out["wake"] = {
                    "last_ms": max(wake["arrivals"]) * 1e3,
                    "p50_ms": statistics.median(wake["arrivals"]) * 1e3,
                    "cpu_ms": wake["cpu"] * 1e3,
                    "received": len(wake["arrivals"]),
                    "missing": wake["missing"],
                }
                progress(
                    f"  one message to the room: {len(wake['arrivals'])} pages got it, last after"
                    f" {out['wake']['last_ms']:.0f} ms; {wake['missing']} missing"
                )
            else:
                out["wake"] = {"error": "no page saw the message", "missing": wake["missing"]}
            servers.wait_idle(server.pid, timeout=60)
            out["rss_after_wake_bytes"] = servers.rss_bytes(server.pid)
            crashes = server.log.read_text(errors="replace") if server.log else ""
            out["crashes_in_log"] = crashes.count(" crashed:")
            out["lost_from_store_in_log"] = crashes.count("idle-frozen state was lost")
        return out

    def shutdown(self) -> None:
        """SIGTERM with chat pages open, once per state store (``bench/shutdown.py``)."""
        pages = self.plan.shutdown_pages
        stores: list[dict[str, Any]] = []
        self.figures["shutdown"] = {"pages": pages, "stores": stores}
        for store in shutdown.STORES:
            cache = self.db.logs / f"cache-shutdown-{store}"

            def start(env: dict[str, str], port: int | None, store: str = store) -> ServerProcess:
                name = f"shutdown-{store}" + ("-again" if port else "")
                log = self.db.logs / f"{name}.log"
                server = ServerProcess(
                    "demo.asgi:application",
                    cwd=servers.DEMO,
                    env={**servers.demo_env(self.db), **env},
                    port=port,
                    log=log,
                ).start()
                progress(f"  demo server {name} on {server.url}, pid {server.pid}")
                return server

            def fill(swarm: Swarm, path: str, count: int) -> int:
                return int(self.open(swarm, path, count)["open"])

            swarm = lambda server: self.swarm("shutdown", server)  # noqa: E731
            figure = shutdown.measure(store, start, swarm, fill, pages, cache)
            stores.append(figure)
            if "error" in figure:
                progress(f"  {store} store: {figure['error']}")
                continue
            rejoin = figure.get("rejoin")
            progress(
                f"  SIGTERM with {figure['open']:,} chat pages, {store} store: frozen and exited"
                f" after {figure['exit_seconds']:.1f} s,"
                f" {figure['frozen'] if figure['frozen'] is not None else '?'} stored,"
                f" {figure['failed']} failed"
                + (f"; rejoins thawed {rejoin['found']} of {rejoin['checked']}" if rejoin else "")
            )

    def crowd(self) -> None:
        plan = self.plan
        self.figures["crowd"] = crowd.measure(
            lambda env: self.server("crowd", env),
            self.workers,
            plan.crowd_steps,
            plan.crowd_heartbeat,
            plan.crowd_idle_timeout,
            plan.open_timeout,
        )

    def chat_room(self) -> None:
        plan = self.plan
        self.figures["chat_room"] = chat_room.measure(
            self.db,
            self.workers,
            plan.chat_room_steps,
            plan.chat_room_history,
            plan.idle_body_chars,
            plan.open_timeout,
            chat_body,
        )

    def scale_out(self) -> None:
        plan = self.plan
        clients = max(self.workers, 2) if plan.scale_pages > 10_000 else self.workers
        self.figures["scale_out"] = scale_out.measure(
            self.db, clients, plan.scale_pages, plan.scale_broadcasts, plan.open_timeout
        )

    def floors(self) -> None:
        plan = self.plan
        clicks = {
            "pages": plan.roundtrip_pages,
            "clients": plan.roundtrip_clients,
            "clicks": plan.roundtrip_clicks,
        }
        self.figures["floors"] = floors.measure(
            self.db,
            self.workers,
            max(plan.fanout_steps),
            plan.broadcasts,
            clicks,
            plan.floor_page_loads,
            plan.open_timeout,
        )

    def join_flood(self) -> None:
        server = self.server("flood", {"TETHER_RATE_PER_SECOND": ""})  # the default limit
        try:
            self.figures["join_flood"] = flood.measure(server, self.plan.flood_joins)
        finally:
            server.stop()

    def watchdog(self) -> None:
        """Round trip and events/s on fresh servers with the watchdog off and on."""
        variants = [
            ("off" if ms == 0 else f"{ms} ms", {"TETHER_WATCHDOG_MS": str(ms)})
            for ms in self.plan.watchdog_ms
        ]
        self.click_variants("watchdog", variants)

    def checkpoint(self) -> None:
        """The same with write-through checkpoints off and on (TETHER["CHECKPOINT"])."""
        variants = [("off", {}), ("every 1 s", {"TETHER_CHECKPOINT_EVERY": "1"})]
        self.click_variants("checkpoint", variants)

    def click_variants(self, key: str, variants: list[tuple[str, dict[str, str]]]) -> None:
        """Round trip and events/s of the counter, one fresh server per variant."""
        plan = self.plan
        figure: dict[str, Any] = {
            "pages": plan.watchdog_pages,
            "clients": plan.roundtrip_clients,
            "clicks": plan.roundtrip_clicks * plan.watchdog_rounds,
            "variants": {},
        }
        self.figures[key] = figure
        for number, (name, env) in enumerate(variants):
            server = self.server(f"{key}-{number}", env)
            try:
                with self.swarm(key, server) as swarm:
                    opened = self.open(swarm, COUNTER_PATH, plan.watchdog_pages)["open"]
                    clicks(swarm, plan.roundtrip_clients, 2)  # warm-up
                    servers.wait_idle(server.pid)
                    latencies: list[float] = []
                    errors: dict[str, int] = {}
                    elapsed = 0.0
                    for _ in range(plan.watchdog_rounds):
                        got, errs, seconds, _ = clicks(
                            swarm, plan.roundtrip_clients, plan.roundtrip_clicks
                        )
                        latencies += got
                        elapsed += seconds
                        for error, count in errs.items():
                            errors[error] = errors.get(error, 0) + count
                    variant: dict[str, Any] = {"open": opened, "errors": errors}
                    if latencies:
                        variant.update(summary_ms(latencies))
                        variant["events_per_second"] = len(latencies) / elapsed
                        progress(
                            f"  {key} {name}: p50 {variant['p50_ms']:.2f} ms,"
                            f" p99 {variant['p99_ms']:.2f} ms,"
                            f" {variant['events_per_second']:,.0f} events/s"
                        )
                    figure["variants"][name] = variant
                    self.samples[f"{key}_{number}_seconds"] = latencies
            finally:
                server.stop()

    def telemetry(self) -> None:
        """Round trip with no telemetry handler, with one, and with the dashboard open."""
        shot = servers.RESULTS / f"{time.strftime('%Y-%m-%d')}-dashboard.png"
        dashboard.step(self, shot)


def chat_body(n: int, chars: int) -> str:
    """A chat message of exactly ``chars`` characters, different for every ``n``."""
    text = f"message {n:03d} " + "lorem ipsum dolor sit amet " * (chars // 27 + 1)
    return text[:chars]


def default_workers() -> int:
    cores = os.cpu_count() or 1
    return 1 if cores <= 2 else 2


def results_stem(machine: dict[str, Any]) -> Path:
    date = machine["date"][:10]
    return servers.RESULTS / f"{date}-{machine['commit']}"


def write_json(path: Path, data: dict[str, Any]) -> None:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")
