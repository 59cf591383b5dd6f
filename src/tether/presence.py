"""Who is on a topic: tracked entries, with join/leave diffs broadcast on the topic.

``Presence`` keeps per-process bookkeeping (refs, owners) and broadcasts
``PresenceDiff`` payloads through pub/sub; a ``PresenceStore`` holds the
entries themselves. The pub/sub backend picks the store
(``PubSub.presence_store``): in memory for ``MemoryPubSub``, shared with
node heartbeats for ``RedisPubSub`` (``tether.pubsub.redis_presence``).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tether.errors import PubSubClosed
from tether.pubsub import PubSub, get_pubsub

logger = logging.getLogger("tether.presence")

Meta = dict[str, Any]
Emit = Callable[[str, "PresenceDiff"], Awaitable[None]]

REF_KEY = "phx_ref"


@dataclass(frozen=True, slots=True)
class PresenceDiff:
    """Broadcast on a topic when entries join or leave: key -> the metas that changed."""

    joins: dict[str, list[Meta]] = field(default_factory=dict)
    leaves: dict[str, list[Meta]] = field(default_factory=dict)


def new_ref() -> str:
    # Time first, so sorting refs orders a key's metas by when they joined.
    return f"{time.time_ns():016x}{secrets.token_hex(4)}"


class PresenceStore(ABC):
    """Where entries live. ``ref`` is unique per entry; ``meta`` already carries it."""

    @abstractmethod
    async def start(self, emit: Emit) -> None:
        """Begin. ``emit`` broadcasts diffs the store finds itself (a dead node's leaves)."""

    @abstractmethod
    async def close(self) -> None:
        """Stop every task the store started."""

    @abstractmethod
    async def add(self, topic: str, ref: str, key: str, meta: Meta) -> None: ...

    @abstractmethod
    async def remove(self, topic: str, ref: str) -> tuple[str, Meta] | None:
        """Remove an entry; return ``(key, meta)`` only if this call removed it."""

    @abstractmethod
    async def entries(self, topic: str) -> list[tuple[str, Meta]]:
        """Every ``(key, meta)`` on ``topic``."""


class MemoryPresenceStore(PresenceStore):
    """Entries of this process only."""

    def __init__(self) -> None:
        self._topics: dict[str, dict[str, tuple[str, Meta]]] = {}

    async def start(self, emit: Emit) -> None:
        pass

    async def close(self) -> None:
        pass

    async def add(self, topic: str, ref: str, key: str, meta: Meta) -> None:
        self._topics.setdefault(topic, {})[ref] = (key, meta)

    async def remove(self, topic: str, ref: str) -> tuple[str, Meta] | None:
        entries = self._topics.get(topic)
        if entries is None:
            return None
        removed = entries.pop(ref, None)
        if not entries:
            del self._topics[topic]
        return removed

    async def entries(self, topic: str) -> list[tuple[str, Meta]]:
        return list(self._topics.get(topic, {}).values())


@dataclass(slots=True)
class _Track:
    topic: str
    key: str
    owner: object


class Presence:
    """Track who is present on a topic, across every process sharing the pub/sub."""

    def __init__(
        self,
        pubsub: PubSub,
        *,
        heartbeat_interval: float = 5.0,
        heartbeat_ttl: float = 20.0,
        broadcast_period: float = 0.0,
    ) -> None:
        if heartbeat_ttl <= heartbeat_interval:
            raise ValueError("heartbeat_ttl must be longer than heartbeat_interval")
        self.pubsub = pubsub
        self.store = pubsub.presence_store(
            heartbeat_interval=heartbeat_interval, heartbeat_ttl=heartbeat_ttl
        )
        self._started = False
        self._closed = False
        self._tracks: dict[str, _Track] = {}  # ref -> what this process tracks
        self._by_owner: dict[object, set[str]] = {}
        # With a period, joins and leaves are gathered and broadcast as one diff
        # per topic: N people arriving cost each view a few diffs, not N.
        self.broadcast_period = broadcast_period
        self._pending: dict[str, PresenceDiff] = {}
        self._flusher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the pub/sub and the store (heartbeats for Redis). Idempotent."""
        if self._closed:
            raise PubSubClosed("Presence is closed")
        if not self._started:
            self._started = True
            await self.pubsub.start()
            await self.store.start(self.pubsub.broadcast)

    async def close(self) -> None:
        """Untrack everything this process tracks (best effort), then stop the store.

        Final: afterwards ``untrack`` and ``untrack_owner`` do nothing (views
        leaving during shutdown need not care), the other methods raise.
        """
        if self._closed:
            return
        if self._started:
            for ref, track in list(self._tracks.items()):
                try:
                    await self.untrack(track.topic, track.key, ref)
                except Exception as exc:
                    logger.warning("could not untrack %r on close: %s", track.topic, exc)
            flusher, self._flusher = self._flusher, None
            if flusher is not None:
                flusher.cancel()
                await asyncio.gather(flusher, return_exceptions=True)
            await self._flush()
            await self.store.close()
        self._closed = True
        self._tracks.clear()
        self._by_owner.clear()

    async def track(self, topic: str, key: str, meta: Meta, *, owner: object = None) -> str:
        """Add an entry for ``key`` (one per tab) and broadcast its join; return its ref."""
        await self.start()
        ref = new_ref()
        full = {**meta, REF_KEY: ref}
        await self.store.add(topic, ref, key, full)
        self._tracks[ref] = _Track(topic, key, owner)
        if owner is not None:
            self._by_owner.setdefault(owner, set()).add(ref)
        await self._emit(topic, PresenceDiff(joins={key: [full]}))
        return ref

    async def untrack(self, topic: str, key: str, ref: str) -> None:
        """Remove one entry and broadcast its leave. Idempotent."""
        if self._closed:
            return
        await self.start()
        track = self._tracks.pop(ref, None)
        if track is not None and track.owner is not None:
            refs = self._by_owner.get(track.owner)
            if refs is not None:
                refs.discard(ref)
                if not refs:
                    del self._by_owner[track.owner]
        removed = await self.store.remove(topic, ref)
        if removed is not None:
            stored_key, meta = removed
            await self._emit(topic, PresenceDiff(leaves={stored_key: [meta]}))

    async def _emit(self, topic: str, diff: PresenceDiff) -> None:
        if self.broadcast_period <= 0:
            await self.pubsub.broadcast(topic, diff)
            return
        pending = self._pending.setdefault(topic, PresenceDiff())
        for key, metas in diff.joins.items():
            pending.joins.setdefault(key, []).extend(metas)
        for key, metas in diff.leaves.items():
            joined = pending.joins.get(key, [])
            gone = {m.get(REF_KEY) for m in metas}
            # A tab that came and went within one period is never announced.
            kept = [m for m in joined if m.get(REF_KEY) not in gone]
            announced = {m.get(REF_KEY) for m in joined}
            if len(kept) != len(joined):
                if kept:
                    pending.joins[key] = kept
                else:
                    pending.joins.pop(key, None)
            left = [m for m in metas if m.get(REF_KEY) not in announced]
            if left:
                pending.leaves.setdefault(key, []).extend(left)
        if self._flusher is None:
            self._flusher = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        try:
            await asyncio.sleep(self.broadcast_period)
        finally:
            self._flusher = None
        await self._flush()

    async def _flush(self) -> None:
        pending, self._pending = self._pending, {}
        for topic, diff in pending.items():
            if not diff.joins and not diff.leaves:
                continue
            try:
                await self.pubsub.broadcast(topic, diff)
            except Exception as exc:
                logger.warning("presence diff for %r lost: %r", topic, exc)

    async def untrack_owner(self, owner: object) -> None:
        """Untrack every entry ``owner`` tracked (a view leaving)."""
        for ref in list(self._by_owner.get(owner, ())):
            track = self._tracks.get(ref)
            if track is not None:
                await self.untrack(track.topic, track.key, ref)

    async def list(self, topic: str) -> dict[str, list[Meta]]:
        """``key -> metas`` on ``topic``; a key tracked from two tabs has two metas."""
        await self.start()
        grouped: dict[str, list[Meta]] = {}
        for key, meta in await self.store.entries(topic):
            grouped.setdefault(key, []).append(meta)
        for metas in grouped.values():
            metas.sort(key=lambda m: str(m.get(REF_KEY, "")))
        return grouped


_lock = threading.Lock()
_presence: Presence | None = None


def get_presence() -> Presence:
    """The process-wide ``Presence`` over ``get_pubsub()``.

    Options come from ``TETHER["PRESENCE"]["OPTIONS"]``
    (``HEARTBEAT_INTERVAL``, ``HEARTBEAT_TTL``), if set.
    """
    global _presence
    with _lock:
        if _presence is None:
            from tether.conf import options, setting

            kwargs = {"broadcast_period": 0.5, **options(setting("PRESENCE"))}
            _presence = Presence(get_pubsub(), **kwargs)
        return _presence


def reset_presence() -> None:
    """Forget the process-wide instance (tests; call ``close()`` on it first)."""
    global _presence
    with _lock:
        _presence = None
