"""Presence entries shared through Redis, with node heartbeats.

Keys (under the pub/sub ``prefix``)::

    presence:topic:<topic>  hash  ref -> signed pickle of (key, meta) (``tether.signing``)
    presence:node:<node>    hash  ref -> topic     (what a node tracks, for reaping)
    presence:alive:<node>   string with a TTL      (the node's heartbeat)
    presence:nodes          set of node ids        (who might need reaping)

Every ``heartbeat_interval`` a node refreshes its heartbeat and looks for
nodes whose heartbeat expired; it removes their entries and broadcasts the
leaves. The removal is one Lua script per batch that first checks the
heartbeat is still missing and only reports entries it deleted itself, so
when several nodes reap at once each leave is broadcast exactly once, and a
node that comes back in the middle is not reaped. A node that finds its own
heartbeat gone (it stalled past the TTL, or Redis restarted empty) puts its
entries back and broadcasts them as joins.

A dead node's entries are gone from every ``list()`` within about
``heartbeat_ttl + heartbeat_interval`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from tether.errors import BadSignature, ConfigurationError, PubSubError, PubSubUnavailable
from tether.presence.base import Emit, Meta, PresenceDiff, PresenceStore
from tether.pubsub import PubSub
from tether.pubsub.base import stop_task
from tether.pubsub.redis import RedisPubSub

logger = logging.getLogger("tether.presence")

_REAP_BATCH = 500

# KEYS: alive key, node index, nodes set, then one topic key per ref.
# ARGV: node id, then the refs (ARGV[i] lives in KEYS[i + 2]).
_REAP = """
if redis.call('EXISTS', KEYS[1]) == 1 then return {} end
local removed = {}
for i = 2, #ARGV do
  local topic_key, ref = KEYS[i + 2], ARGV[i]
  local value = redis.call('HGET', topic_key, ref)
  redis.call('HDEL', KEYS[2], ref)
  if value then
    redis.call('HDEL', topic_key, ref)
    removed[#removed + 1] = ref
    removed[#removed + 1] = value
  end
end
if redis.call('HLEN', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[1]) end
return removed
"""

# KEYS: topic key, node index. ARGV: ref. Returns the value only if this call deleted it.
_REMOVE = """
local value = redis.call('HGET', KEYS[1], ARGV[1])
if value then redis.call('HDEL', KEYS[1], ARGV[1]) end
redis.call('HDEL', KEYS[2], ARGV[1])
return value
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@contextlib.contextmanager
def _unavailable() -> Iterator[None]:
    try:
        yield
    except (RedisError, OSError) as exc:
        raise PubSubUnavailable(f"presence cannot reach Redis: {exc}") from exc


class RedisPresenceStore(PresenceStore):
    """Entries shared by every process on one ``RedisPubSub``, through its client."""

    def __init__(
        self, *, pubsub: PubSub, heartbeat_interval: float = 5.0, heartbeat_ttl: float = 20.0
    ) -> None:
        super().__init__(
            pubsub=pubsub, heartbeat_interval=heartbeat_interval, heartbeat_ttl=heartbeat_ttl
        )
        if not isinstance(pubsub, RedisPubSub):
            raise ConfigurationError(
                f"RedisPresenceStore needs the RedisPubSub backend, not {type(pubsub).__name__}"
            )
        self.redis_pubsub = pubsub
        self.signer = pubsub.signer.for_purpose("tether.presence")
        self.node = pubsub.node_id
        base = f"{pubsub.prefix}presence:"
        self._base = base
        self._nodes_key = base + "nodes"
        # What this node tracks: ref -> (topic, key, meta, frame), to put back after a loss.
        self._mine: dict[str, tuple[str, str, Meta, bytes]] = {}
        self._emit: Emit | None = None
        self._task: asyncio.Task[None] | None = None
        self._failing = False
        self._reap_script: AsyncScript
        self._remove_script: AsyncScript

    def _topic_key(self, topic: str) -> str:
        return f"{self._base}topic:{topic}"

    def _index_key(self, node: str) -> str:
        return f"{self._base}node:{node}"

    def _alive_key(self, node: str) -> str:
        return f"{self._base}alive:{node}"

    # -- lifecycle ---------------------------------------------------------

    async def start(self, emit: Emit) -> None:
        self._emit = emit
        self._reap_script = self.redis_pubsub.client.register_script(_REAP)
        self._remove_script = self.redis_pubsub.client.register_script(_REMOVE)
        # Beat and reap once now, so entries of nodes that died while no one
        # was watching are gone before this node lists anything.
        await self._tick()
        self._task = asyncio.create_task(
            self._loop(), name=f"tether.presence heartbeat {self.node}"
        )

    async def close(self) -> None:
        if self._task is not None:
            await stop_task(self._task)
            self._task = None
        # Dropping the heartbeat lets the other nodes reap anything left at once.
        with contextlib.suppress(RedisError, OSError, PubSubError):
            client = self.redis_pubsub.client
            async with client.pipeline(transaction=True) as pipe:
                pipe.delete(self._alive_key(self.node))
                if not self._mine:
                    pipe.delete(self._index_key(self.node))
                    pipe.srem(self._nodes_key, self.node)
                await pipe.execute()

    # -- entries -----------------------------------------------------------

    async def add(self, topic: str, ref: str, key: str, meta: Meta) -> None:
        frame = self.signer.dumps((key, meta))
        with _unavailable():
            async with self.redis_pubsub.client.pipeline(transaction=True) as pipe:
                pipe.hset(self._topic_key(topic), ref, frame)
                pipe.hset(self._index_key(self.node), ref, topic)
                await pipe.execute()
        self._mine[ref] = (topic, key, meta, frame)

    async def remove(self, topic: str, ref: str) -> tuple[str, Meta] | None:
        self._mine.pop(ref, None)
        with _unavailable():
            value = await self._remove_script(
                keys=[self._topic_key(topic), self._index_key(self.node)], args=[ref]
            )
        return self._decode(topic, value) if value is not None else None

    async def entries(self, topic: str) -> list[tuple[str, Meta]]:
        with _unavailable():
            raw = await self.redis_pubsub.client.hgetall(self._topic_key(topic))
        decoded = (self._decode(topic, value) for value in raw.values())
        return [entry for entry in decoded if entry is not None]

    def _decode(self, topic: str, value: Any) -> tuple[str, Meta] | None:
        try:
            key, meta = self.signer.loads(value)
        except BadSignature as exc:
            logger.warning("ignored a presence entry on %r: %s", topic, exc)
            return None
        return str(key), meta

    # -- heartbeats --------------------------------------------------------

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            await self._tick()

    async def _tick(self) -> None:
        try:
            await self._beat()
            await self._reap()
        except (RedisError, OSError, PubSubError) as exc:
            if not self._failing:
                logger.warning("presence heartbeat failed (%s); retrying", exc)
            self._failing = True
        else:
            if self._failing:
                logger.warning("presence heartbeat works again")
            self._failing = False

    async def _beat(self) -> None:
        client = self.redis_pubsub.client
        async with client.pipeline(transaction=True) as pipe:
            pipe.set(self._alive_key(self.node), b"1", px=int(self.heartbeat_ttl * 1000), get=True)
            pipe.sadd(self._nodes_key, self.node)
            previous, _ = await pipe.execute()
        if previous is None and self._mine:
            await self._restore()

    async def _restore(self) -> None:
        """Put back entries reaped or lost while our heartbeat was missing; announce them."""
        mine = list(self._mine.items())
        async with self.redis_pubsub.client.pipeline(transaction=True) as pipe:
            for ref, (topic, _key, _meta, frame) in mine:
                pipe.hsetnx(self._topic_key(topic), ref, frame)
                pipe.hset(self._index_key(self.node), ref, topic)
            results = await pipe.execute()
        joins: dict[str, dict[str, list[Meta]]] = {}
        restored = 0
        for (_ref, (topic, key, meta, _frame)), added in zip(mine, results[::2], strict=True):
            if added:
                restored += 1
                joins.setdefault(topic, {}).setdefault(key, []).append(meta)
        if restored:
            logger.warning("presence heartbeat had lapsed; restored %d entries", restored)
        for topic, diff in joins.items():
            await self._broadcast(topic, PresenceDiff(joins=diff))

    async def _reap(self) -> None:
        client = self.redis_pubsub.client
        others = [_text(n) for n in await client.smembers(self._nodes_key)]
        others = [n for n in others if n != self.node]
        if not others:
            return
        async with client.pipeline(transaction=False) as pipe:
            for node in others:
                pipe.exists(self._alive_key(node))
            alive = await pipe.execute()
        for node, is_alive in zip(others, alive, strict=True):
            if not is_alive:
                await self._reap_node(node)

    async def _reap_node(self, node: str) -> None:
        client = self.redis_pubsub.client
        index = await client.hgetall(self._index_key(node))
        items = [(_text(ref), _text(topic)) for ref, topic in index.items()]
        head = [self._alive_key(node), self._index_key(node), self._nodes_key]
        leaves: dict[str, dict[str, list[Meta]]] = {}
        for start in range(0, max(len(items), 1), _REAP_BATCH):
            batch = items[start : start + _REAP_BATCH]
            topic_of = dict(batch)
            removed = await self._reap_script(
                keys=head + [self._topic_key(t) for _, t in batch],
                args=[node, *(ref for ref, _ in batch)],
            )
            for ref, value in zip(removed[::2], removed[1::2], strict=True):
                topic = topic_of[_text(ref)]
                entry = self._decode(topic, value)
                if entry is not None:
                    leaves.setdefault(topic, {}).setdefault(entry[0], []).append(entry[1])
        if leaves:
            count = sum(len(m) for diff in leaves.values() for m in diff.values())
            logger.info("presence removed %d entries of node %s (heartbeat expired)", count, node)
        for topic, diff in leaves.items():
            await self._broadcast(topic, PresenceDiff(leaves=diff))

    async def _broadcast(self, topic: str, diff: PresenceDiff) -> None:
        if self._emit is not None:
            await self._emit(topic, diff)
