"""The pub/sub contract and the local fan-out every backend shares.

A backend only moves messages between processes. Everything that happens
inside one process (the topic registry, owner exclusion, delivering one
message object to every local callback, isolating callback errors) lives
here, so all backends behave the same locally.

A big room is served over several turns of the event loop. Each callback
only queues the message (a live view's mailbox), but each queued view then
renders, and ten thousand of them rendering in one turn would hold every
other socket's frames, heartbeats included, for seconds. So one turn hands
out at most ``deliver_per_turn`` deliveries; the rest wait in one backlog,
first in, first out, served by a task the pub/sub owns. While it holds
anything, every message joins it, so every subscriber still sees messages
in the order they were broadcast. It is bounded: when broadcasts come faster
than the views take them, all that waits is handed out at once, and each
view's bounded mailbox decides what a slow view drops, as without it.

Exceptions::

    PubSubError            anything this package raises on purpose
     ├── PubSubUnavailable the shared transport (e.g. Redis) cannot be reached
     └── PubSubClosed      the backend was used after close()
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import uuid
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from tether import telemetry
from tether.errors import PubSubClosed

logger = logging.getLogger("tether.pubsub")

Callback = Callable[["Message"], None]


@dataclass(frozen=True, slots=True)
class Message:
    """One broadcast as a subscriber sees it.

    ``node`` is the publishing process's ``node_id``. ``owner`` is the sender
    given to ``broadcast_from`` (``None`` for ``broadcast``); on other
    processes it is kept only when it is a ``str``/``int``, since an arbitrary
    local object means nothing elsewhere.
    """

    topic: str
    payload: Any
    node: str
    owner: object = None


class Subscription:
    """A handle on one callback subscribed to one topic."""

    __slots__ = ("_active", "_pubsub", "callback", "owner", "topic")

    def __init__(self, pubsub: PubSub, topic: str, callback: Callback, owner: object) -> None:
        self._pubsub = pubsub
        self._active = True
        self.topic = topic
        self.callback = callback
        self.owner = owner

    @property
    def active(self) -> bool:
        return self._active

    async def unsubscribe(self) -> None:
        """Stop receiving messages. Idempotent."""
        await self._pubsub.unsubscribe(self)

    def __repr__(self) -> str:
        state = "active" if self._active else "inactive"
        return f"<Subscription {self.topic!r} owner={self.owner!r} {state}>"


class BackendState(enum.Enum):
    NEW = "new"
    RUNNING = "running"
    CLOSED = "closed"


def new_node_id() -> str:
    return uuid.uuid4().hex[:16]


async def stop_task(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and wait until it has ended.

    Cancels again while it runs: a cancellation that lands inside a client
    library can come out as a connection error, which a reconnect loop
    would otherwise take for an outage and carry on.
    """
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.1)


class PubSub(ABC):
    """Topic-based publish/subscribe with local fan-out.

    Subclasses implement the transport hooks (``_start``, ``_close``,
    ``_publish``, ``_topic_added``, ``_topic_removed``); see docs/pubsub.md.
    """

    #: Deliveries handed out in one turn of the event loop (see the module doc).
    deliver_per_turn = 128
    #: Broadcasts that may wait in the backlog; one more and all are handed out at once.
    backlog_limit = 16

    def __init__(self, *, node_id: str | None = None) -> None:
        self.node_id = node_id or new_node_id()
        self.state = BackendState.NEW
        # topic -> its subscriptions; a dict keeps subscription order for delivery.
        self._topics: dict[str, dict[Subscription, None]] = {}
        self._start_lock = asyncio.Lock()
        # Deliveries waiting for a later turn: [message, its subscribers, next index].
        self._backlog: deque[list[Any]] = deque()
        self._drainer: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        """Connect and start the backend's tasks. Idempotent."""
        if self.state is BackendState.RUNNING:
            return
        async with self._start_lock:
            if self.state is BackendState.CLOSED:
                raise PubSubClosed(f"{type(self).__name__} is closed")
            if self.state is BackendState.NEW:
                await self._start()
                self.state = BackendState.RUNNING

    async def close(self) -> None:
        """Cancel every task the backend owns and drop every subscription. Idempotent."""
        if self.state is BackendState.CLOSED:
            return
        was_running = self.state is BackendState.RUNNING
        self.state = BackendState.CLOSED
        for subs in self._topics.values():
            for sub in subs:
                sub._active = False
        self._topics.clear()
        self._backlog.clear()
        if self._drainer is not None:
            await stop_task(self._drainer)
        if was_running:
            await self._close()

    async def _ensure_running(self) -> None:
        if self.state is not BackendState.RUNNING:
            await self.start()

    # -- subscribing -------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Can messages reach the other processes now? (A local backend: while running.)"""
        return self.state is BackendState.RUNNING

    @property
    def pending_deliveries(self) -> int:
        """Deliveries of messages already broadcast that wait for a later turn of the loop."""
        return sum(len(targets) - start for _m, targets, start in self._backlog)

    def topics(self) -> list[str]:
        """Topics with at least one local subscriber."""
        return list(self._topics)

    def subscriber_count(self, topic: str) -> int:
        return len(self._topics.get(topic, ()))

    async def subscribe(
        self, topic: str, callback: Callback, *, owner: object = None
    ) -> Subscription:
        """Call ``callback(message)`` for every message on ``topic`` until unsubscribed.

        The callback runs on the event loop and must not block: hand the
        message to a queue and return. Returns once the subscription is live
        on the transport (or immediately if the transport is down; it is
        then subscribed as soon as the transport comes back).
        """
        await self._ensure_running()
        sub = Subscription(self, topic, callback, owner)
        subs = self._topics.get(topic)
        first = subs is None
        if subs is None:
            subs = self._topics[topic] = {}
        subs[sub] = None
        try:
            if first:
                await self._topic_added(topic)
            else:
                await self._topic_ready(topic)
        except BaseException:
            await self.unsubscribe(sub)
            raise
        return sub

    async def unsubscribe(self, subscription: Subscription) -> None:
        """Remove one subscription. Idempotent."""
        if not subscription._active:
            return
        subscription._active = False
        subs = self._topics.get(subscription.topic)
        if subs is None:
            return
        subs.pop(subscription, None)
        if not subs:
            del self._topics[subscription.topic]
            if self.state is BackendState.RUNNING:
                await self._topic_removed(subscription.topic)

    @contextlib.asynccontextmanager
    async def subscribed(
        self, topic: str, callback: Callback, *, owner: object = None
    ) -> AsyncIterator[Subscription]:
        """``subscribe`` for the duration of an ``async with`` block."""
        sub = await self.subscribe(topic, callback, owner=owner)
        try:
            yield sub
        finally:
            await self.unsubscribe(sub)

    # -- publishing --------------------------------------------------------

    async def broadcast(self, topic: str, payload: Any) -> None:
        """Deliver ``payload`` to every subscriber of ``topic`` on every process."""
        await self._broadcast(Message(topic, payload, self.node_id, None))

    async def broadcast_from(self, sender: object, topic: str, payload: Any) -> None:
        """Like ``broadcast``, except to the local subscriptions whose owner is ``sender``."""
        await self._broadcast(Message(topic, payload, self.node_id, sender))

    async def _broadcast(self, message: Message) -> None:
        await self._ensure_running()
        await self._publish(message)
        self._deliver(message)

    def _deliver(self, message: Message) -> None:
        """Hand ``message`` (the same object) to every local subscriber of its topic."""
        subs = self._topics.get(message.topic)
        if telemetry.enabled(telemetry.PUBSUB_BROADCAST):
            telemetry.emit(
                telemetry.PUBSUB_BROADCAST, telemetry.broadcast_data(self, message, subs)
            )
        if not subs:
            return
        # A snapshot: callbacks may subscribe or unsubscribe while it is served.
        targets = tuple(subs)
        backlog = self._backlog
        if not backlog:
            start = self._hand(message, targets, 0, self.deliver_per_turn)
            if start < len(targets):
                backlog.append([message, targets, start])
        elif len(backlog) >= self.backlog_limit:
            # Broadcasts come faster than the views can take them: hand out all that
            # waits, and this one, now and in order. Each view's bounded inbox then
            # decides what a slow view drops, and the backlog holds no more.
            backlog.append([message, targets, 0])
            self._hand_waiting(None)
        else:
            backlog.append([message, targets, 0])
        if backlog and self._drainer is None:
            self._drainer = asyncio.get_running_loop().create_task(
                self._drain(), name="tether pubsub backlog"
            )

    def _hand(
        self, message: Message, targets: tuple[Subscription, ...], start: int, budget: int
    ) -> int:
        """Call the callbacks of ``targets[start:start + budget]``; return where to go on."""
        owner = message.owner if message.node == self.node_id else None
        end = min(len(targets), start + budget)
        for sub in targets[start:end]:
            if not sub._active or (owner is not None and sub.owner == owner):
                continue
            try:
                sub.callback(message)
            except Exception:
                logger.exception("pub/sub callback %r failed on topic %r", sub.callback, sub.topic)
        return end

    def _hand_waiting(self, budget: int | None) -> None:
        """Hand out up to ``budget`` waiting deliveries (None: all), oldest first."""
        backlog = self._backlog
        while backlog and (budget is None or budget > 0):
            entry = backlog[0]
            message, targets, start = entry
            end = self._hand(message, targets, start, len(targets) if budget is None else budget)
            if budget is not None:
                budget -= end - start
            if end >= len(targets):
                backlog.popleft()
            else:
                entry[2] = end

    async def _drain(self) -> None:
        """Serve the backlog, ``deliver_per_turn`` deliveries per turn of the loop."""
        try:
            while self._backlog:
                await asyncio.sleep(0)  # the sockets' frames go first
                self._hand_waiting(self.deliver_per_turn)
        finally:
            self._drainer = None

    # -- transport hooks ---------------------------------------------------

    @abstractmethod
    async def _start(self) -> None:
        """Open connections and start owned tasks."""

    @abstractmethod
    async def _close(self) -> None:
        """Cancel owned tasks and close connections."""

    @abstractmethod
    async def _publish(self, message: Message) -> None:
        """Send ``message`` to the other processes; raise ``PubSubUnavailable`` on failure.

        Local subscribers are served by the base class after this returns, so
        a backend must not deliver its own messages back to this process.
        """

    @abstractmethod
    async def _topic_added(self, topic: str) -> None:
        """The first local subscriber of ``topic`` arrived: subscribe on the transport.

        Return once the transport confirmed it, or at once if it is down (it
        must then subscribe every topic in ``self._topics`` when it comes back).
        """

    @abstractmethod
    async def _topic_ready(self, topic: str) -> None:
        """Another subscriber joined ``topic``: wait for a confirmation still pending."""

    @abstractmethod
    async def _topic_removed(self, topic: str) -> None:
        """The last local subscriber of ``topic`` left: unsubscribe on the transport."""
