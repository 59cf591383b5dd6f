"""A long-poll token that reaches another process: its holder freezes the views first.

A connection lives in one process, so a request that a load balancer sends
to another process (a deploy, a rebalance, a balancer that is not sticky)
carries a token this process does not hold. The client will open a new
connection here and rejoin, and the rejoin resumes the views only if they are
in the state store by then. So before this process answers ``410`` it asks
every process, over pub/sub, to hand the connection over: the holder closes
it, which freezes its views to the store, and says so; this process waits for
that word (at most ``LONGPOLL["HANDOVER_WAIT"]``) before answering.

With the in-memory pub/sub there is no other process to ask. Asking is best
effort: with pub/sub down, the client still rejoins and, failing a frozen
state, its views mount fresh.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from tether import protocol
from tether.conf import setting
from tether.errors import PubSubError
from tether.live.owner import Owner
from tether.longpoll.connection import LongPollConnection
from tether.pubsub import MemoryPubSub, Message, Subscription, get_pubsub

logger = logging.getLogger("tether.longpoll")

# Pub/sub topics between Tether processes (not the Phoenix wire).
REQUEST_TOPIC = "tether.longpoll.handover"
DONE_PREFIX = "tether.longpoll.handed-over:"
# Each id is asked about once: a client repeating a stale token costs no more traffic.
ASKED_MEMORY = 4096


class Handover:
    """Asks other processes for a connection, and answers their asks for ours."""

    def __init__(self, holding: Callable[[str], LongPollConnection | None]) -> None:
        self._holding = holding
        self._subscription: Subscription | None = None
        self._owner = Owner()
        self._asked: dict[str, None] = {}  # insertion-ordered: the oldest is forgotten first

    async def listen(self) -> None:
        """Answer other processes' asks from now on (once per process and pub/sub)."""
        if self._subscription is not None and self._subscription.active:
            return
        pubsub = get_pubsub()
        if isinstance(pubsub, MemoryPubSub):
            return
        try:
            self._subscription = await pubsub.subscribe(REQUEST_TOPIC, self._on_ask)
        except PubSubError as exc:
            logger.warning("long-poll handover unavailable: %r", exc)

    async def ask(self, id: str) -> bool:
        """Have the process holding connection ``id`` close it; ``True`` once it has."""
        pubsub = get_pubsub()
        if isinstance(pubsub, MemoryPubSub) or id in self._asked:
            return False
        self._asked[id] = None
        if len(self._asked) > ASKED_MEMORY:
            del self._asked[next(iter(self._asked))]
        done = asyncio.Event()
        try:
            async with pubsub.subscribed(DONE_PREFIX + id, lambda _: done.set()):
                await pubsub.broadcast(REQUEST_TOPIC, id)
                async with asyncio.timeout(float(setting("LONGPOLL")["HANDOVER_WAIT"])):
                    await done.wait()
        except (TimeoutError, PubSubError):
            return False
        return True

    def _on_ask(self, message: Message) -> None:
        connection = self._holding(str(message.payload))
        if connection is not None and not self._owner.closed:
            self._owner.spawn(self._hand_over(connection))

    async def _hand_over(self, connection: LongPollConnection) -> None:
        connection.close(protocol.CLOSE_GOING_AWAY, "the client moved to another process")
        await connection.wait_closed()
        try:
            await get_pubsub().broadcast(DONE_PREFIX + connection.id, True)
        except PubSubError as exc:
            logger.warning("long-poll handover of %s not confirmed: %r", connection.id, exc)

    async def close(self) -> None:
        await self._owner.close()
        self._owner = Owner()
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            try:
                await subscription.unsubscribe()
            except PubSubError:
                pass
