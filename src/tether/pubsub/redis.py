"""Pub/sub across processes through Redis.

Each process holds one subscriber connection and one Redis subscription per
topic that has local subscribers, gets one copy of each message and fans it
out locally (see ``PubSub._deliver``). Publishing uses a separate pool.

Wire format of a message (the body signed by ``tether.signing``, purpose
``tether.pubsub``)::

    node length (1 byte) | node id | pickle((topic, owner, payload))

The node id comes first so a process can skip its own messages (served
locally already) without verifying or unpickling them.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
from collections import deque
from collections.abc import Sequence
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.connection import AbstractConnection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from tether import telemetry
from tether.errors import BadSignature, PubSubClosed, PubSubUnavailable
from tether.pubsub.base import Message, PubSub, stop_task
from tether.signing import HEADER_SIZE, Signer

logger = logging.getLogger("tether.pubsub")

_RECONNECT_MIN = 0.05


class _Stalled(Exception):
    """The subscriber connection stopped answering PINGs."""


class RedisPubSub(PubSub):
    """Pub/sub through one Redis server.

    ``timeout`` bounds connecting and each command, so ``broadcast`` fails
    fast with ``PubSubUnavailable`` while Redis is down. The subscriber
    connection sends a PING after ``ping_interval`` seconds of silence and
    reconnects with exponential backoff capped at ``reconnect_max`` seconds.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        prefix: str = "tether:",
        secret: str | bytes | None = None,
        secret_fallbacks: Sequence[str | bytes] | None = None,
        timeout: float = 2.0,
        ping_interval: float = 5.0,
        reconnect_max: float = 5.0,
        node_id: str | None = None,
        max_connections: int = 50,
    ) -> None:
        super().__init__(node_id=node_id)
        if len(self.node_id.encode()) > 255:
            raise ValueError("node_id must be at most 255 bytes")
        self.url = url
        self.prefix = prefix
        self.signer = Signer("tether.pubsub", secret, secret_fallbacks)
        self.timeout = timeout
        self.ping_interval = ping_interval
        self.reconnect_max = reconnect_max
        self.max_connections = max_connections
        self._prefix_bytes = prefix.encode()
        self._node_bytes = self.node_id.encode()
        self._client: Redis | None = None
        self._runner: asyncio.Task[None] | None = None
        self._conn: AbstractConnection | None = None
        self._connected = asyncio.Event()
        self._write_lock = asyncio.Lock()
        # topic -> one future per SUBSCRIBE sent and not yet confirmed, oldest first.
        self._pending: dict[str, deque[asyncio.Future[None]]] = {}

    @property
    def client(self) -> Redis:
        """The command/publish client (a pool), which the Redis presence store shares."""
        if self._client is None:
            raise PubSubClosed(f"RedisPubSub is {self.state.value}, not running")
        return self._client

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def channel(self, topic: str) -> bytes:
        return self._prefix_bytes + topic.encode()

    # -- lifecycle ---------------------------------------------------------

    async def _start(self) -> None:
        # A blocking pool: a thousand views leaving at once wait their turn
        # for a connection instead of failing with "Too many connections".
        pool = BlockingConnectionPool.from_url(
            self.url,
            max_connections=self.max_connections,
            timeout=self.timeout,
            retry=Retry(NoBackoff(), 1),  # one retry replaces a pooled socket a restart killed
            socket_timeout=self.timeout,
            socket_connect_timeout=self.timeout,
            # RESP2: pub/sub replies are plain arrays that read_response returns
            # (RESP3 routes them to push handlers), and every Redis speaks it.
            protocol=2,
        )
        self._client = Redis.from_pool(pool)
        self._runner = asyncio.create_task(
            self._run(), name=f"tether.pubsub.redis subscriber {self.node_id}"
        )
        try:
            async with asyncio.timeout(self.timeout):
                await self._connected.wait()
        except TimeoutError:
            logger.warning("Redis at %s is unreachable; retrying in the background", self.url)

    async def _close(self) -> None:
        if self._runner is not None:
            await stop_task(self._runner)
            self._runner = None
        if self._client is not None:
            client, self._client = self._client, None
            try:
                await client.aclose()
            except (RedisError, OSError) as exc:
                logger.debug("closing the Redis pool: %s", exc)

    # -- publishing --------------------------------------------------------

    async def _publish(self, message: Message) -> None:
        owner = message.owner if isinstance(message.owner, str | int) else None
        body = (
            bytes([len(self._node_bytes)])
            + self._node_bytes
            + pickle.dumps((message.topic, owner, message.payload), pickle.HIGHEST_PROTOCOL)
        )
        frame = self.signer.sign(body)
        try:
            await self.client.publish(self.channel(message.topic), frame)
        except (RedisError, OSError) as exc:
            raise PubSubUnavailable(f"cannot publish to Redis at {self.url}: {exc}") from exc

    # -- topics ------------------------------------------------------------

    async def _topic_added(self, topic: str) -> None:
        conn = self._conn
        if conn is not None:
            await self._send(conn, "SUBSCRIBE", [topic])
        await self._topic_ready(topic)

    async def _topic_ready(self, topic: str) -> None:
        waiters = self._pending.get(topic)
        if not waiters:
            return
        try:
            async with asyncio.timeout(self.timeout):
                await asyncio.shield(waiters[-1])
        except TimeoutError:
            # Still wanted: a broken connection is replaced and resubscribes every topic.
            logger.warning("Redis did not confirm SUBSCRIBE %r in %ss", topic, self.timeout)

    async def _topic_removed(self, topic: str) -> None:
        conn = self._conn
        if conn is not None:
            await self._send(conn, "UNSUBSCRIBE", [topic])

    async def _send(self, conn: AbstractConnection, command: str, topics: list[str]) -> None:
        """Write a (UN)SUBSCRIBE on ``conn`` if it is still the live one.

        One lock orders the writes, so Redis sees SUBSCRIBE/UNSUBSCRIBE of a
        topic in the order our subscribers came and went, and its
        confirmations arrive in the order the waiters were queued.
        """
        async with self._write_lock:
            if conn is not self._conn or not conn.is_connected:
                return  # the next connection subscribes whatever is in use then
            if command == "SUBSCRIBE":
                loop = asyncio.get_running_loop()
                for topic in topics:
                    self._pending.setdefault(topic, deque()).append(loop.create_future())
            try:
                await conn.send_command(command, *(self.channel(t) for t in topics))
            except (RedisError, OSError) as exc:
                # The reader sees the dead socket too and reconnects.
                logger.debug("%s failed on the subscriber connection: %s", command, exc)

    def _confirmed(self, topic: str) -> None:
        waiters = self._pending.get(topic)
        if waiters:
            fut = waiters.popleft()
            if not fut.done():
                fut.set_result(None)
            if not waiters:
                del self._pending[topic]

    def _release_waiters(self) -> None:
        for waiters in self._pending.values():
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)
        self._pending.clear()

    # -- the subscriber connection -----------------------------------------

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        delay = _RECONNECT_MIN
        down_since: float | None = None
        while True:
            conn = self.client.connection_pool.make_connection()  # type: ignore[no-untyped-call]
            try:
                await conn.connect()
                if down_since is not None:
                    logger.warning(
                        "pub/sub reconnected to Redis at %s after %.1fs away; "
                        "messages published in that time were lost",
                        self.url,
                        loop.time() - down_since,
                    )
                    down_since = None
                delay = _RECONNECT_MIN
                await self._serve(conn)
            except (RedisError, OSError, _Stalled) as exc:
                if telemetry.enabled(telemetry.PUBSUB_CONNECTION) and self._connected.is_set():
                    telemetry.emit(telemetry.PUBSUB_CONNECTION, telemetry.link_data(self, False))
                if down_since is None:
                    down_since = loop.time()
                    logger.warning("pub/sub lost Redis at %s (%r); reconnecting", self.url, exc)
            finally:
                self._conn = None
                self._connected.clear()
                self._release_waiters()
                await conn.disconnect(nowait=True)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.reconnect_max)

    async def _serve(self, conn: AbstractConnection) -> None:
        # Publish self._conn and read the topics in one step (no await between),
        # so a topic added meanwhile is either in this SUBSCRIBE or sends its own.
        self._conn = conn
        topics = list(self._topics)
        if topics:
            await self._send(conn, "SUBSCRIBE", topics)
        self._connected.set()
        if telemetry.enabled(telemetry.PUBSUB_CONNECTION):
            telemetry.emit(telemetry.PUBSUB_CONNECTION, telemetry.link_data(self, True))
        awaiting_pong = False
        while True:
            reply = await conn.read_response(timeout=self.ping_interval)
            if reply is None:
                if awaiting_pong:
                    raise _Stalled(f"no reply to PING in {self.ping_interval}s")
                async with self._write_lock:
                    await conn.send_command("PING")
                awaiting_pong = True
                continue
            awaiting_pong = False
            self._handle(reply)

    def _handle(self, reply: Any) -> None:
        if not isinstance(reply, list) or len(reply) < 3:
            return  # PONG outside subscribed mode
        kind, channel = reply[0], reply[1]
        if not isinstance(channel, bytes) or not channel.startswith(self._prefix_bytes):
            return
        topic = channel[len(self._prefix_bytes) :].decode()
        if kind == b"message":
            self._on_frame(topic, reply[2])
        elif kind == b"subscribe":
            self._confirmed(topic)

    def _on_frame(self, topic: str, frame: bytes) -> None:
        node_len = frame[HEADER_SIZE] if len(frame) > HEADER_SIZE else 0
        if frame[HEADER_SIZE + 1 : HEADER_SIZE + 1 + node_len] == self._node_bytes:
            return  # ours: local subscribers were served when it was sent
        try:
            body = self.signer.unsign(frame)
        except BadSignature as exc:
            logger.warning("dropped a message on topic %r: %s", topic, exc)
            return
        try:
            node = body[1 : 1 + body[0]].decode()
            sent_topic, owner, payload = pickle.loads(body[1 + body[0] :])
        except Exception:
            logger.exception("dropped an undecodable message on topic %r", topic)
            return
        if sent_topic != topic:
            logger.warning(
                "dropped a message signed for topic %r replayed on %r", sent_topic, topic
            )
            return
        self._deliver(Message(topic, payload, node, owner))
