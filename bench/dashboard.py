"""Telemetry and dashboard costs for ``make bench``, and the dashboard's screenshot.

The step runs the round trip of the watchdog step (counter pages, clients
clicking one click at a time) on three fresh servers:

- no handler attached (the dashboard app is installed, its recorder asleep);
- ``count`` below attached to every telemetry event (``TETHER_TELEMETRY_HANDLER``);
- a staff user's dashboard open in Chromium, so the server records and
  renders it every second.

It also reads the dashboard's own cost on an idle server: server CPU per
second with the dashboard closed, then open. Under load it screenshots the
dashboard into the results folder.

``python -m bench.dashboard docs/images/dashboard.png`` takes the screenshot
for the docs on its own: a demo server, counter and clock pages, clicks.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import servers
from bench.fleet import Swarm, progress

if TYPE_CHECKING:
    from bench.suite import Suite

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DASHBOARD_PATH = "/tether/dashboard/"
HANDLER = "bench.dashboard.count"
STATIC = (servers.ROOT / "src" / "tether" / "static" / "tether").resolve()
IDLE_SECONDS = 5.0

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


def step(suite: Suite, screenshot: Path) -> None:
    from bench.suite import COUNTER_PATH, clicks, summary_ms

    plan = suite.plan
    figure: dict[str, Any] = {
        "pages": plan.watchdog_pages,
        "clients": plan.roundtrip_clients,
        "clicks": plan.roundtrip_clicks * plan.watchdog_rounds,
        "variants": {},
    }
    suite.figures["telemetry"] = figure
    variants = (
        ("no handler", "none", {}),
        ("a handler on every event", "handler", {"TETHER_TELEMETRY_HANDLER": HANDLER}),
        ("dashboard open", "dashboard", {}),
    )
    for name, slug, env in variants:
        server = suite.server(f"telemetry-{slug}", _server_env(env))
        viewer: Viewer | None = None
        try:
            with suite.swarm("telemetry", server) as swarm:
                opened = suite.open(swarm, COUNTER_PATH, plan.watchdog_pages)["open"]
                clicks(swarm, plan.roundtrip_clients, 2)  # warm-up
                servers.wait_idle(server.pid)
                if slug == "dashboard":
                    closed = cpu_per_second(server.pid, IDLE_SECONDS)
                    viewer = Viewer(server.url)
                    opened_cpu = cpu_per_second(server.pid, IDLE_SECONDS)
                    figure["idle_cpu_ms_per_s"] = {"closed": closed, "open": opened_cpu}
                    progress(
                        f"  idle server CPU: {closed:.1f} ms/s without the dashboard,"
                        f" {opened_cpu:.1f} ms/s with it open"
                    )
                latencies: list[float] = []
                elapsed = 0.0
                errors: Counter[str] = Counter()
                for round_number in range(plan.watchdog_rounds):
                    thread, result = in_background(
                        lambda: clicks(swarm, plan.roundtrip_clients, plan.roundtrip_clicks)
                    )
                    if viewer is not None and round_number == 0:
                        time.sleep(2.5)  # a few snapshots under load
                        viewer.screenshot(screenshot)
                        figure["screenshot"] = str(screenshot.relative_to(servers.ROOT))
                    thread.join()
                    if "error" in result:
                        raise result["error"]
                    got, errs, seconds, _ = result["value"]
                    latencies += got
                    elapsed += seconds
                    errors.update(errs)
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
