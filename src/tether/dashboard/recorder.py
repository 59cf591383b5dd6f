"""One node's figures: telemetry in, one snapshot a second out, while a dashboard asks.

A ``Recorder`` has three states. *Asleep*: only its socket-connect handler is
attached, and the first connect on an event loop wakes it. *Listening*: it is
subscribed to ``WANTED_TOPIC`` and nothing else runs. *Recording*: a dashboard
asked within ``LEASE`` seconds, so a telemetry handler counts every event and
a ticker publishes a snapshot on ``NODES_TOPIC`` once a second; when the lease
runs out it detaches and goes back to listening.

The ticker also measures event-loop lag: how late its one-second sleep
wakes up. That is the lag every page on the node feels, watchdog or not.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections import deque
from typing import Any

from tether import telemetry as t
from tether.dashboard import gauges
from tether.dashboard.metrics import Counters, Series, Timings, plain
from tether.live.shared import shared_payloads
from tether.pubsub import PubSub, PubSubClosed, PubSubError, get_pubsub

logger = logging.getLogger("tether.dashboard")

WANTED_TOPIC = "tether.dashboard.wanted"
NODES_TOPIC = "tether.dashboard.nodes"
WANTED = "wanted"
LEASE = 5.0  # seconds a node keeps recording after the last WANTED
TICK = 1.0
KEEP_STALLS = 5
KEEP_PAUSES = 5
STACK_LINES = 8

WAKE_ID = "tether.dashboard.wake"
RECORD_ID = "tether.dashboard.record"

COUNTED = (
    "connects",
    "closes",
    "joins",
    "leaves",
    "events",
    "infos",
    "messages_out",
    "messages_in",
    "encode_hits",
    "encode_misses",
    "freezes",
    "thaws",
    "gc_pauses",
    "stalls",
)

# Which counter each event bumps; the ones with durations also go to the timings.
_COUNTER = {
    t.SOCKET_CONNECT: "connects",
    t.SOCKET_CLOSE: "closes",
    t.VIEW_JOIN: "joins",
    t.VIEW_LEAVE: "leaves",
    t.VIEW_EVENT: "events",
    t.VIEW_INFO: "infos",
    t.STATE_FREEZE: "freezes",
    t.STATE_THAW: "thaws",
    t.GC_PAUSE: "gc_pauses",
    t.WATCHDOG_STALL: "stalls",
}


class Recorder:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listening: PubSub | None = None
        self._lease_until = 0.0
        self._ticker: asyncio.Task[None] | None = None
        self._started = time.time()
        #: This node's last snapshot, for the dashboards here when pub/sub is down.
        self.latest: dict[str, Any] | None = None
        self._reset_figures()

    def _reset_figures(self) -> None:
        self.counters = Counters(COUNTED)
        self.timings = Timings()
        self.lag = Series()
        self.rss = Series()
        self.stalls: deque[dict[str, Any]] = deque(maxlen=KEEP_STALLS)
        self.pauses: deque[dict[str, Any]] = deque(maxlen=KEEP_PAUSES)
        self.max_pause = 0.0

    # -- waking up and listening -------------------------------------------------

    def install(self) -> None:
        """Wake on the first socket connect of each event loop (at Django start-up)."""
        t.attach(WAKE_ID, t.SOCKET_CONNECT, self._on_connect)

    def uninstall(self) -> None:
        t.detach(WAKE_ID)
        self.stop()

    def _on_connect(self, event: str, data: dict[str, Any]) -> None:
        loop, pubsub = asyncio.get_running_loop(), get_pubsub()
        if self._loop is loop and self._listening is pubsub:
            return
        if self._loop is not loop:
            self.stop()  # a new event loop (tests run one each): start over on it
        self._loop, self._listening = loop, pubsub
        loop.create_task(self._listen(pubsub), name="tether dashboard listener")

    async def _listen(self, pubsub: PubSub) -> None:
        try:
            await pubsub.start()
            await pubsub.subscribe(WANTED_TOPIC, lambda message: self.want(), owner=self)
        except Exception as exc:
            logger.warning("the dashboard cannot listen on pub/sub: %r", exc)

    # -- recording ---------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self._ticker is not None and not self._ticker.done()

    def want(self) -> None:
        """A dashboard asked for figures: record (again) for the next ``LEASE`` seconds."""
        self._lease_until = time.monotonic() + LEASE
        if self.recording:
            return
        self._reset_figures()
        t.attach(RECORD_ID, None, self._on_event)
        self._ticker = asyncio.get_running_loop().create_task(
            self._tick(), name="tether dashboard ticker"
        )

    def stop(self) -> None:
        """Stop recording (the lease ran out, the loop changed, or shutdown)."""
        t.detach(RECORD_ID)
        ticker, self._ticker = self._ticker, None
        if ticker is not None and not ticker.done() and ticker is not asyncio.current_task():
            ticker.cancel()

    def _on_event(self, event: str, data: dict[str, Any]) -> None:
        counters = self.counters
        name = _COUNTER.get(event)
        if name is not None:
            counters.add(name)
        if event == t.VIEW_EVENT:
            self.timings.add((data[t.VIEW], data[t.EVENT_NAME]), data[t.HANDLER_TIME])
        elif event == t.VIEW_INFO:
            self.timings.add((data[t.VIEW], "handle_info"), data[t.HANDLER_TIME])
        elif event == t.VIEW_JOIN:
            self.timings.add((data[t.VIEW], "mount"), data[t.HANDLER_TIME])
        elif event == t.PUBSUB_BROADCAST:
            counters.add("messages_in" if data[t.REMOTE] else "messages_out")
        elif event == t.SHARED_ENCODE:
            counters.add("encode_hits" if data[t.HIT] else "encode_misses")
        elif event == t.GC_PAUSE:
            pause = data[t.DURATION] * 1e3
            self.max_pause = max(self.max_pause, pause)
            self.pauses.append({"generation": data[t.GENERATION], "ms": round(pause, 2)})
        elif event == t.WATCHDOG_STALL:
            stack = str(data[t.STACK]).rstrip().splitlines()[-STACK_LINES:]
            self.stalls.append(
                {
                    "at": time.strftime("%H:%M:%S"),
                    "lag_ms": round(data[t.LAG] * 1e3),
                    "view": data[t.VIEW] or "(no live view)",
                    "handler": data[t.HANDLER] or "",
                    "stack": "\n".join(stack),
                }
            )

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        pubsub = get_pubsub()
        try:
            while time.monotonic() < self._lease_until:
                planned = loop.time() + TICK
                await asyncio.sleep(TICK)
                self.lag.add(max(0.0, loop.time() - planned) * 1e3)
                self.counters.roll()
                self.timings.roll()
                self.latest = self.snapshot(pubsub)
                try:
                    await pubsub.broadcast(NODES_TOPIC, self.latest)
                except PubSubClosed:
                    return  # shutting down
                except PubSubError as exc:  # Redis down: the next second tries again
                    logger.debug("dashboard snapshot not sent: %r", exc)
        finally:
            if self._ticker is asyncio.current_task():
                self._ticker = None
                self.stop()

    def snapshot(self, pubsub: PubSub) -> dict[str, Any]:
        """This node's figures, as plain data (it travels pickled through Redis)."""
        live = gauges.views()
        rss = gauges.rss_bytes()
        self.rss.add(rss / 2**20)
        counters = self.counters
        figures: dict[str, Any] = plain(
            {
                "node": pubsub.node_id,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "at": time.time(),
                "up": time.time() - self._started,
                **live,
                "rates": counters.last,
                "history": counters.history,
                "handlers": self.timings.summary(),
                "lag_ms": self.lag.last,
                "lag_history": self.lag.values,
                "rss": rss,
                "rss_history": self.rss.values,
                "per_page": rss // live["sockets"] if live["sockets"] else 0,
                "max_pause_ms": self.max_pause,
                # Copied in one C call: other threads append to these.
                "pauses": list(self.pauses),
                "stalls": list(self.stalls),
                "encode": {"hits": shared_payloads.hits, "misses": shared_payloads.misses},
                "pubsub": gauges.pubsub(pubsub),
            }
        )
        return figures


recorder = Recorder()
