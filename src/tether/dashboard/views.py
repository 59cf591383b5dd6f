"""The dashboard page: a live view that shows every node's latest snapshot.

It subscribes to the nodes' snapshots, keeps the latest of each, and
renders once a second on its own timer (not once per snapshot), so ten
nodes cost it ten dict updates and one render a second. Each tick it also
asks every node for figures again (``WANTED``), which keeps their recorders
on while it is open.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from tether.dashboard.charts import chart, number
from tether.dashboard.metrics import max_histories, sum_histories
from tether.dashboard.recorder import NODES_TOPIC, WANTED, WANTED_TOPIC, recorder
from tether.pubsub import PubSubError
from tether.view import LiveView

TICK = "tick"
STALE_AFTER = 5.0  # seconds without a snapshot before a node leaves the page

# (history key, chart title, unit): rates summed over the nodes.
RATE_CHARTS = (
    ("events", "Events", "/s"),
    ("infos", "Messages to views", "/s"),
    ("joins", "Joins", "/s"),
    ("leaves", "Leaves", "/s"),
    ("messages_out", "Pub/sub out", "/s"),
    ("messages_in", "Pub/sub in", "/s"),
    ("freezes", "Freezes", "/s"),
    ("thaws", "Thaws", "/s"),
)


class Dashboard(LiveView):
    """Open sockets and views, event rates and handler times, loop lag, memory,
    pub/sub and the state store, for every node. Staff only, like the admin."""

    template_name = "tether_dashboard/dashboard.html"
    layout = "tether_dashboard/layout.html"

    def has_access(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_active and user.is_staff)

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Tether dashboard"
        self._snapshots: dict[str, dict[str, Any]] = {}
        self._show()
        if self.connected:
            await self._start()

    async def on_thaw(self) -> None:
        self._snapshots = {}
        await self._start()

    async def _start(self) -> None:
        await self.subscribe(NODES_TOPIC)
        self.send_interval(1.0, TICK)
        await self._ask()

    async def _ask(self) -> None:
        """Keep every node recording, this one even when pub/sub is down."""
        recorder.want()
        try:
            await self.broadcast(WANTED_TOPIC, WANTED)
        except PubSubError:
            pass  # the nodes table shows the backend as down

    async def handle_info(self, message: Any) -> None:
        if message == TICK:
            await self._ask()
            own = recorder.latest
            if own is not None:
                self._snapshots[str(own["node"])] = own
            self._show()
        elif isinstance(message, dict) and "node" in message:
            self._snapshots[str(message["node"])] = message

    def _show(self) -> None:
        now = time.time()
        live = [s for s in self._snapshots.values() if now - s["at"] < STALE_AFTER]
        self._snapshots = {str(s["node"]): s for s in live}
        live.sort(key=lambda s: (s["host"], s["pid"]))
        self._assign("nodes", [_node_row(s) for s in live])
        self._assign("totals", _totals(live))
        self._assign("view_rows", _views(live))
        self._assign("handler_rows", _handlers(live))
        self._assign("charts", _charts(live))
        self._assign("stalls", [stall for s in live for stall in s["stalls"]][-5:])
        self._assign("pauses", [pause for s in live for pause in s["pauses"]][-5:])

    def _assign(self, name: str, value: Any) -> None:
        # An equal value is not assigned: its slots are not rendered again.
        if getattr(self, name, None) != value:
            setattr(self, name, value)


def _node_row(s: dict[str, Any]) -> dict[str, Any]:
    rates, pubsub = s["rates"], s["pubsub"]
    return {
        "node": s["node"][:8],
        "where": f"{s['host']}:{s['pid']}",
        "sockets": s["sockets"],
        "views": sum(s["views"].values()),
        "frozen": s["frozen"],
        "events": rates["events"],
        "joins": rates["joins"],
        "leaves": rates["leaves"],
        "lag_ms": f"{s['lag_ms']:.1f}",
        "rss_mib": f"{s['rss'] / 2**20:.0f}",
        "per_page_kib": f"{s['per_page'] / 1024:.1f}" if s["per_page"] else "-",
        "max_pause_ms": f"{s['max_pause_ms']:.1f}",
        "backend": pubsub["backend"],
        "connected": pubsub["connected"],
        "topics": pubsub["topics"],
        "subscribers": pubsub["subscribers"],
        "messages_in": rates["messages_in"],
        "messages_out": rates["messages_out"],
    }


def _totals(live: list[dict[str, Any]]) -> dict[str, str]:
    def rate(name: str) -> float:
        return float(sum(s["rates"][name] for s in live))

    hits = sum(s["rates"]["encode_hits"] for s in live)
    encodes = hits + sum(s["rates"]["encode_misses"] for s in live)
    return {
        "nodes": number(len(live)),
        "sockets": number(sum(s["sockets"] for s in live)),
        "views": number(sum(sum(s["views"].values()) for s in live)),
        "frozen": number(sum(s["frozen"] for s in live)),
        "events": number(rate("events")),
        "joins": number(rate("joins")),
        "leaves": number(rate("leaves")),
        "freezes": number(rate("freezes")),
        "thaws": number(rate("thaws")),
        "lag_ms": f"{max((s['lag_ms'] for s in live), default=0.0):.1f}",
        "rss_mib": number(sum(s["rss"] for s in live) / 2**20),
        "presences": number(sum(sum(s["presences"].values()) for s in live)),
        "shared": f"{100 * hits / encodes:.0f}%" if encodes else "-",
    }


def _views(live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for s in live:
        for name, count in s["views"].items():
            counts[name] = counts.get(name, 0) + count
    return [{"name": n, "count": c} for n, c in sorted(counts.items(), key=lambda i: -i[1])]


def _handlers(live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [
        {
            "view": view,
            "handler": handler,
            "per_second": number(count / 10),
            "p50": f"{p50:.2f}",
            "p99": f"{p99:.2f}",
            "node": s["node"][:8],
        }
        for s in live
        for view, handler, count, p50, p99 in s["handlers"]
    ]
    return rows[:20]


def _charts(live: list[dict[str, Any]]) -> list[Any]:
    charts = [
        chart(key, title, unit, sum_histories([s["history"][key] for s in live]))
        for key, title, unit in RATE_CHARTS
    ]
    lag = max_histories([s["lag_history"] for s in live])
    charts.append(chart("lag", "Event-loop lag", "ms", lag))
    charts.append(chart("rss", "Memory", "MiB", sum_histories([s["rss_history"] for s in live])))
    return charts
