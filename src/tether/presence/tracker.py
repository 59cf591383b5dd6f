"""Who is on a topic: tracked entries, with join/leave diffs broadcast on the topic.

``Presence`` keeps per-process bookkeeping (refs, owners) and broadcasts
``PresenceDiff`` payloads through pub/sub; a ``PresenceStore`` holds the
entries themselves. Unless given one, it builds the store that follows the
pub/sub backend (``tether.presence.stores``).

Coalescing. Every diff on a topic makes each view of the topic in this
process render its roster again, so the cost of one diff grows with the
room. Broadcasting each join would cost N views times N joins when a room of
N fills up. Joins and leaves are therefore gathered per topic and broadcast
as one diff, at most every ``broadcast_period`` seconds, and, in a big room,
at most ``updates_per_second`` view updates per second: a topic with S local
subscribers waits S / ``updates_per_second`` seconds between diffs. The
work per second then stays flat however big the room gets, and a joiner's
share of it does not grow with the room; a big room sees its roster a few
seconds late instead. A tab that comes and goes within one wait is never
announced.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import secrets
import time
from dataclasses import dataclass

from tether.errors import PubSubClosed
from tether.presence.base import Meta, PresenceDiff, PresenceStore
from tether.presence.stores import build_store
from tether.protocol import PRESENCE_REF
from tether.pubsub import PubSub

logger = logging.getLogger("tether.presence")


# A ref needs to be unique, not secret: this process's random part is drawn once,
# and a join storm's refs cost no call into the OS's random source each (a call
# that lets the loop's thread lose the GIL to a busy thread for milliseconds).
_PROCESS = secrets.token_hex(4)
_COUNTER = itertools.count()


def _redraw() -> None:  # a forked worker is another process
    global _PROCESS
    _PROCESS = secrets.token_hex(4)


os.register_at_fork(after_in_child=_redraw)


def new_ref() -> str:
    # Time first, so sorting refs orders a key's metas by when they joined.
    return f"{time.time_ns():016x}{_PROCESS}{next(_COUNTER):x}"


@dataclass(slots=True)
class _Track:
    topic: str
    key: str
    owner: object


class Presence:
    """Track who is present on a topic, across every process sharing the pub/sub.

    ``store`` defaults to the one that follows ``pubsub``, built with the
    heartbeat timings (used only by a store that spans processes).
    """

    def __init__(
        self,
        pubsub: PubSub,
        *,
        store: PresenceStore | None = None,
        heartbeat_interval: float = 5.0,
        heartbeat_ttl: float = 20.0,
        broadcast_period: float = 0.0,
        updates_per_second: float | None = None,
    ) -> None:
        self.pubsub = pubsub
        if store is None:
            timings = {"HEARTBEAT_INTERVAL": heartbeat_interval, "HEARTBEAT_TTL": heartbeat_ttl}
            store = build_store(pubsub, {"OPTIONS": timings})
        self.store = store
        self._started = False
        self._closed = False
        self._tracks: dict[str, _Track] = {}  # ref -> what this process tracks
        self._by_owner: dict[object, set[str]] = {}
        # With a period, joins and leaves are gathered and broadcast as one diff
        # per topic: N people arriving cost each view a few diffs, not N.
        self.broadcast_period = broadcast_period
        self.updates_per_second = updates_per_second
        self._pending: dict[str, PresenceDiff] = {}
        self._flushers: dict[str, asyncio.Task[None]] = {}  # topic -> its wait

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
            flushers, self._flushers = self._flushers, {}
            for flusher in flushers.values():
                flusher.cancel()
            await asyncio.gather(*flushers.values(), return_exceptions=True)
            for topic in list(self._pending):
                await self._flush(topic)
            await self.store.close()
        self._closed = True
        self._tracks.clear()
        self._by_owner.clear()

    async def track(self, topic: str, key: str, meta: Meta, *, owner: object = None) -> str:
        """Add an entry for ``key`` (one per tab) and broadcast its join; return its ref."""
        await self.start()
        ref = new_ref()
        full = {**meta, PRESENCE_REF: ref}
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

    def interval(self, topic: str) -> float:
        """Seconds between two diffs on ``topic``: the period, longer in a big room."""
        wait = self.broadcast_period
        if self.updates_per_second:
            wait = max(wait, self.pubsub.subscriber_count(topic) / self.updates_per_second)
        return wait

    async def _emit(self, topic: str, diff: PresenceDiff) -> None:
        if self.interval(topic) <= 0:
            await self.pubsub.broadcast(topic, diff)
            return
        pending = self._pending.setdefault(topic, PresenceDiff())
        for key, metas in diff.joins.items():
            pending.joins.setdefault(key, []).extend(metas)
        for key, metas in diff.leaves.items():
            joined = pending.joins.get(key, [])
            gone = {m.get(PRESENCE_REF) for m in metas}
            # A tab that came and went within one period is never announced.
            kept = [m for m in joined if m.get(PRESENCE_REF) not in gone]
            announced = {m.get(PRESENCE_REF) for m in joined}
            if len(kept) != len(joined):
                if kept:
                    pending.joins[key] = kept
                else:
                    pending.joins.pop(key, None)
            left = [m for m in metas if m.get(PRESENCE_REF) not in announced]
            if left:
                pending.leaves.setdefault(key, []).extend(left)
        if topic not in self._flushers:
            self._flushers[topic] = asyncio.get_running_loop().create_task(
                self._flush_later(topic), name=f"tether presence {topic}"
            )

    async def _flush_later(self, topic: str) -> None:
        try:
            await asyncio.sleep(self.interval(topic))
        finally:
            self._flushers.pop(topic, None)
        await self._flush(topic)

    async def _flush(self, topic: str) -> None:
        diff = self._pending.pop(topic, None)
        if diff is None or (not diff.joins and not diff.leaves):
            return
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
            metas.sort(key=lambda m: str(m.get(PRESENCE_REF, "")))
        return grouped
