"""Telemetry and dashboard costs for ``make bench``, and the dashboard's screenshot.

The step runs the round trip of the watchdog step (counter pages, clients
clicking one click at a time) on three fresh servers:

- no handler attached (the dashboard app is installed, its recorder asleep);
- ``count`` below attached to every telemetry event (``TETHER_TELEMETRY_HANDLER``);
- a staff user's dashboard open, so the server records and renders it every
  second (held by a plain WebSocket client: a browser would compete with the
  server for the cores; Chromium opens it only for the screenshot, after the
  measured rounds).

It also reads the dashboard's own cost on an idle server: server CPU per
second with the dashboard closed, then open. Under load it screenshots the
dashboard into the results folder.

``python -m bench.dashboard docs/images/dashboard.png`` takes the screenshot
for the docs on its own: a demo server, counter and clock pages, clicks.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
import timeit
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bench import servers, wire
from bench.fleet import Swarm, progress

if TYPE_CHECKING:
    from bench.suite import Suite

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DASHBOARD_PATH = "/tether/dashboard/"
HANDLER = "bench.dashboard.count"
STATIC = (servers.ROOT / "src" / "tether" / "static" / "tether").resolve()
IDLE_SECONDS = 10.0  # CPU time comes in 10 ms ticks: 1 ms/s resolution

COUNTS: Counter[str] = Counter()


def count(event: str, data: dict[str, Any]) -> None:
    """The cheapest useful handler: count each event (what a metrics client does first)."""
    COUNTS[event] += 1


def _server_env(extra: dict[str, str]) -> dict[str, str]:
    # The server imports this module for the handler: the repository goes on its path.
    path = os.pathsep.join(p for p in (str(servers.ROOT), os.environ.get("PYTHONPATH")) if p)
    return {"PYTHONPATH": path, **extra}


class Viewer:
    """A staff user's dashboard in headless Chromium (Playwright's sync API)."""

    def __init__(self, base: str, width: int = 1280, height: int = 900) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            self.page = self._browser.new_page(viewport={"width": width, "height": height})
            self.page.set_default_timeout(30_000)
            # Bench servers run with DEBUG off and serve no static files: the browser
            # gets the client scripts from the package, so the server stays as measured.
            self.page.route("**/static/tether/**", _serve_static)
            self.page.goto(base + "/login/")
            self.page.fill("#id_username", "staff")
            self.page.fill("#id_password", "staff")
            self.page.click("#login")
            self.page.wait_for_url(base + "/")
            self.page.goto(base + DASHBOARD_PATH)
            self.page.wait_for_selector("[data-phx-main].phx-connected")
            self.page.wait_for_selector("#nodes tr.node")
        except BaseException:
            self.close()
            raise

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)

    def close(self) -> None:
        browser = getattr(self, "_browser", None)
        if browser is not None:
            browser.close()
        self._playwright.stop()


class WireViewer:
    """The dashboard held open by a plain WebSocket client, like the swarm's pages:
    the server does everything an open dashboard costs, and no browser competes
    with it for the machine's cores. Its own event loop runs in a thread."""

    HEARTBEAT = 20.0

    def __init__(self, base: str, port: int) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="bench dashboard", daemon=True
        )
        self._thread.start()
        self._beat: asyncio.Task[None] | None = None
        try:
            self.page = self._run(self._open(base, port), 60)
        except BaseException:
            self.close()
            raise

    def _run(self, coro: Any, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _open(self, base: str, port: int) -> wire.Page:
        async with httpx.AsyncClient(base_url=base) as http:
            await http.get("/login/")
            credentials = {"username": "staff", "password": "staff"}
            token = {"csrfmiddlewaretoken": http.cookies["csrftoken"]}
            response = await http.post("/login/", data={**credentials, **token})
            if response.status_code != 302:
                raise RuntimeError(f"staff login answered {response.status_code}")
            response = await http.get(DASHBOARD_PATH)
            response.raise_for_status()
            cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
        dead = wire.parse_dead(base + DASHBOARD_PATH, response.text, cookie)
        page = await wire.open_page("127.0.0.1", port, wire.socket_path(dead), base, cookie)
        await wire.join(page, dead)
        self._beat = asyncio.get_running_loop().create_task(self._heartbeat(page))
        return page

    async def _heartbeat(self, page: wire.Page) -> None:
        while not page.closed:
            await asyncio.sleep(self.HEARTBEAT)
            page.heartbeat()

    def close(self) -> None:
        async def stop() -> None:
            if self._beat is not None:
                self._beat.cancel()
            page = getattr(self, "page", None)
            if page is not None:
                page.close()

        if self._loop.is_running():
            self._run(stop(), 10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop.close()


def _serve_static(route: Any) -> None:
    name = route.request.url.split("/static/tether/", 1)[1].split("?", 1)[0]
    path = (STATIC / name).resolve()
    if STATIC not in path.parents or not path.is_file():
        route.fulfill(status=404)
        return
    route.fulfill(body=path.read_bytes(), content_type="text/javascript")


def cpu_per_second(pid: int, seconds: float) -> float:
    """Server CPU milliseconds per second of wall time, over ``seconds``."""
    before, started = servers.cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (servers.cpu_seconds(pid) - before) / (time.monotonic() - started) * 1e3


def in_background(work: Any) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``work()`` in a thread (the clicks) while this one drives the browser."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = work()
        except BaseException as exc:  # reported by the caller
            result["error"] = exc

    thread = threading.Thread(target=run, name="bench clicks")
    thread.start()
    return thread, result


def emit_point_ns(calls: int = 200_000) -> dict[str, float]:
    """Nanoseconds per pass through an event's emit point, as the session runs it,
    with nothing attached and with ``count`` attached (in this process, no server)."""
    from tether import telemetry

    view_cls = type("Counter", (), {})

    def point() -> None:
        watch = telemetry.stopwatch(telemetry.VIEW_EVENT)
        watch.lap()
        watch.view_done(view_cls, 9, event_name="inc")

    def per_call() -> float:
        best = min(timeit.repeat(point, number=calls, repeat=5))
        return best / calls * 1e9

    assert not telemetry.enabled(telemetry.VIEW_EVENT)
    idle = per_call()
    telemetry.attach("bench.count", None, count)
    try:
        attached = per_call()
    finally:
        telemetry.detach("bench.count")
    return {"nothing_attached": idle, "one_handler": attached}


def step(suite: Suite, screenshot: Path) -> None:
    from bench.suite import COUNTER_PATH, clicks, summary_ms

    plan = suite.plan
    figure: dict[str, Any] = {
        "pages": plan.watchdog_pages,
        "clients": plan.roundtrip_clients,
        "clicks": plan.roundtrip_clicks * plan.watchdog_rounds,
        "variants": {},
        "emit_point_ns": emit_point_ns(),
    }
    suite.figures["telemetry"] = figure
    points = figure["emit_point_ns"]
    progress(
        f"  an event's emit point: {points['nothing_attached']:.0f} ns with nothing attached,"
        f" {points['one_handler']:.0f} ns with one handler"
    )
    variants = (
        ("no handler", "none", {}),
        ("a handler on every event", "handler", {"TETHER_TELEMETRY_HANDLER": HANDLER}),
        ("dashboard open", "dashboard", {}),
    )
    for name, slug, env in variants:
        server = suite.server(f"telemetry-{slug}", _server_env(env))
        viewer: WireViewer | None = None
        try:
            with suite.swarm("telemetry", server) as swarm:
                opened = suite.open(swarm, COUNTER_PATH, plan.watchdog_pages)["open"]
                clicks(swarm, plan.roundtrip_clients, 2)  # warm-up
                servers.wait_idle(server.pid)
                if slug == "dashboard":
                    closed = cpu_per_second(server.pid, IDLE_SECONDS)
                    viewer = WireViewer(server.url, server.port)
                    opened_cpu = cpu_per_second(server.pid, IDLE_SECONDS)
                    figure["idle_cpu_ms_per_s"] = {"closed": closed, "open": opened_cpu}
                    progress(
                        f"  idle server CPU: {closed:.1f} ms/s without the dashboard,"
                        f" {opened_cpu:.1f} ms/s with it open"
                    )
                latencies: list[float] = []
                elapsed = 0.0
                errors: Counter[str] = Counter()
                for _ in range(plan.watchdog_rounds):
                    got, errs, seconds, _ = clicks(
                        swarm, plan.roundtrip_clients, plan.roundtrip_clicks
                    )
                    latencies += got
                    elapsed += seconds
                    errors.update(errs)
                if viewer is not None:
                    # One more, unmeasured round, with a browser for the screenshot.
                    browser = Viewer(server.url)
                    try:
                        thread, _ = in_background(
                            lambda: clicks(swarm, plan.roundtrip_clients, plan.roundtrip_clicks)
                        )
                        time.sleep(2.5)  # a few snapshots under load
                        browser.screenshot(screenshot)
                        figure["screenshot"] = str(screenshot.relative_to(servers.ROOT))
                        thread.join()
                    finally:
                        browser.close()
                variant: dict[str, Any] = {"open": opened, "errors": dict(errors)}
                if latencies:
                    variant.update(summary_ms(latencies))
                    variant["events_per_second"] = len(latencies) / elapsed
                    progress(
                        f"  {name}: p50 {variant['p50_ms']:.2f} ms,"
                        f" p99 {variant['p99_ms']:.2f} ms,"
                        f" {variant['events_per_second']:,.0f} events/s"
                    )
                figure["variants"][name] = variant
                suite.samples[f"telemetry_{slug}_seconds"] = latencies
        finally:
            if viewer is not None:
                viewer.close()
            server.stop()


def take_screenshot(path: Path, counters: int = 300, clocks: int = 100) -> None:
    """The docs' screenshot: a demo server under a bench-like load, the dashboard open."""
    from bench.suite import COUNTER_PATH, clicks

    db = servers.DemoDatabase()
    try:
        server = servers.demo_server(db, "screenshot", _server_env({"DJANGO_DEBUG": "0"}))
        try:
            with Swarm("screenshot", server.url, server.port, 1) as swarm:
                swarm.open(COUNTER_PATH, counters, 120)
                swarm.open("/clock/", clocks, 120)
                viewer = Viewer(server.url)
                try:
                    # Two rounds of clicking: the charts show the load rising and staying.
                    for _ in range(2):
                        thread, _ = in_background(lambda: clicks(swarm, 50, 200))
                        time.sleep(6)
                        thread.join()
                    thread, _ = in_background(lambda: clicks(swarm, 50, 200))
                    time.sleep(5)
                    viewer.screenshot(path)
                    thread.join()
                finally:
                    viewer.close()
        finally:
            server.stop()
    finally:
        db.cleanup()
    progress(f"screenshot: {path}")


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images/dashboard.png").resolve()
    take_screenshot(target)
