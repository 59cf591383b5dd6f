"""Who is on a topic, as a value a view can assign: kept up to date, held once.

``await presence_list(topic)`` returns a ``PresenceList``: an immutable,
ordered view of the topic's entries (``key -> metas``, one meta per tab).
Assign it (``self.present = await presence_list(self.topic)``) and it stays
up to date by itself: when a ``PresenceDiff`` for that topic reaches the view
(it must be subscribed to the topic), the live session swaps every
``PresenceList`` assign of that topic for the current one before
``handle_info`` runs.

A room of ten thousand people must not cost ten thousand lists. Every view
of this process sees the same diff object, so the first view to get it
applies it to the topic's roster, and all of them then hold the very same
``PresenceList``: one per topic per process, however many views show it.
The roster lives as long as some view holds one of its lists.
"""

from __future__ import annotations

import bisect
import operator
import weakref
from collections import deque
from collections.abc import Iterator
from typing import Any

from tether.presence.base import Meta, PresenceDiff
from tether.presence.tracker import Presence
from tether.protocol import PRESENCE_REF

# Diffs one roster remembers having applied: views get them in the same order.
APPLIED = 64


class Present:
    """One key on the topic (a user, say) and the metas of its entries (one per tab)."""

    __slots__ = ("key", "metas")

    def __init__(self, key: str, metas: tuple[Meta, ...]) -> None:
        self.key = key
        self.metas = metas

    @property
    def count(self) -> int:
        """How many entries (tabs) the key has."""
        return len(self.metas)

    @property
    def meta(self) -> Meta:
        """The first entry's meta, for keys whose tabs all say the same."""
        return self.metas[0]

    def __len__(self) -> int:
        return len(self.metas)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Present, (self.key, self.metas))


class PresenceList:
    """Who is on one topic, ordered by key; immutable and shared.

    In a template: ``{% for person in present %}{{ person.key }} ({{ person.count }}
    tabs){% endfor %}``, ``present|length``, ``"ada" in present``."""

    __slots__ = ("__weakref__", "_by_key", "_roster", "entries", "topic")

    def __init__(
        self,
        topic: str,
        entries: tuple[Present, ...] = (),
        roster: Any = None,
        by_key: dict[str, Present] | None = None,
    ) -> None:
        self.topic = topic
        self.entries = entries
        self._by_key = {entry.key: entry for entry in entries} if by_key is None else by_key
        self._roster = roster  # keeps the roster alive while a view shows this list

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Present]:
        return iter(self.entries)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __getitem__(self, key: str) -> Present:
        return self._by_key[key]

    def items(self) -> tuple[tuple[str, tuple[Meta, ...]], ...]:
        """``(key, metas)`` pairs, for ``{% for key, metas in present.items %}``."""
        return tuple((entry.key, entry.metas) for entry in self.entries)

    def keys(self) -> list[str]:
        return [entry.key for entry in self.entries]  # in key order, as the entries

    def __reduce__(self) -> tuple[Any, ...]:
        # Frozen with its view as plain data; the next diff re-shares it.
        return (PresenceList, (self.topic, self.entries))

    def __repr__(self) -> str:
        return f"<PresenceList {self.topic} ({len(self.entries)} present)>"


class _Roster:
    # The lists hold their roster, and the roster only a weak reference to its
    # latest list: no reference cycle between them.
    #
    # A diff changes a few keys of a room of thousands. The roster keeps the
    # entries sorted by key and makes a new ``Present`` for the changed keys
    # only; a new list is then two copies made in C. Building every entry again
    # and sorting them took 20 ms a diff in a room of 10,000, and made 20,000
    # objects for the collector to walk.
    __slots__ = (
        "__weakref__",
        "_applied",
        "_by_key",
        "_entries",
        "_latest",
        "refs",
        "topic",
    )

    def __init__(self, topic: str, listing: dict[str, list[Meta]]) -> None:
        self.topic = topic
        self.refs: dict[str, dict[str, Meta]] = {
            key: {str(m.get(PRESENCE_REF)): m for m in metas} for key, metas in listing.items()
        }
        self._entries = [_present(key, self.refs[key]) for key in sorted(self.refs)]
        self._by_key = {entry.key: entry for entry in self._entries}
        self._applied: deque[PresenceDiff] = deque(maxlen=APPLIED)
        self._latest: weakref.ref[PresenceList] | None = None

    @property
    def current(self) -> PresenceList:
        latest = self._latest() if self._latest is not None else None
        if latest is None:
            latest = self._list()
            self._latest = weakref.ref(latest)
        return latest

    def apply(self, diff: PresenceDiff) -> PresenceList:
        applied = self._applied
        # Every view of the room brings the same diff: the last one applied, mostly.
        if (applied and applied[-1] is diff) or any(seen is diff for seen in applied):
            return self.current
        self._applied.append(diff)
        # Refs (one per tab) make a join or leave seen twice harmless.
        for key, metas in diff.joins.items():
            self.refs.setdefault(key, {}).update((str(m.get(PRESENCE_REF)), m) for m in metas)
        for key, metas in diff.leaves.items():
            refs = self.refs.get(key)
            if refs is not None:
                for meta in metas:
                    refs.pop(str(meta.get(PRESENCE_REF)), None)
                if not refs:
                    del self.refs[key]
        for key in {*diff.joins, *diff.leaves}:
            self._update(key)
        self._latest = None
        return self.current

    def _update(self, key: str) -> None:
        """Bring ``key``'s entry in line with its refs: made, replaced or removed."""
        entries, refs = self._entries, self.refs.get(key)
        at = bisect.bisect_left(entries, key, key=_KEY)
        shown = at < len(entries) and entries[at].key == key
        if refs is None:
            if shown:
                del entries[at], self._by_key[key]
            return
        entry = self._by_key[key] = _present(key, refs)
        if shown:
            entries[at] = entry
        else:
            entries.insert(at, entry)

    def _list(self) -> PresenceList:
        return PresenceList(self.topic, tuple(self._entries), self, dict(self._by_key))


_KEY = operator.attrgetter("key")


def _present(key: str, refs: dict[str, Meta]) -> Present:
    return Present(key, tuple(refs[ref] for ref in sorted(refs)))


# A roster lives while a live view shows it: views are counted in as they get a
# list and out when their session ends or idles out (``release``), not when the
# collector gets round to them. A roster nobody watches would miss diffs, and be
# stale when the next view of the topic reused it.
_rosters: dict[str, _Roster] = {}
_watching: dict[str, set[int]] = {}


async def _roster(presence: Presence, topic: str, watcher: object) -> _Roster:
    roster = _rosters.get(topic)
    if roster is None:
        listing = await presence.list(topic)
        roster = _rosters.setdefault(topic, _Roster(topic, listing))  # another view may have won
    _watching.setdefault(topic, set()).add(id(watcher))
    return roster


async def presence_list(presence: Presence, topic: str, watcher: object) -> PresenceList:
    """The current ``PresenceList`` of ``topic``, shared by every view of this process."""
    return (await _roster(presence, topic, watcher)).current


async def refresh(view: Any, presence: Presence, topic: str, diff: PresenceDiff) -> None:
    """Swap ``view``'s ``PresenceList`` assigns of ``topic`` for the list after ``diff``."""
    # The view's attributes as they are: building its assigns dict is for renders.
    stale = [
        name
        for name, value in vars(view).items()
        if isinstance(value, PresenceList) and value.topic == topic and not name.startswith("_")
    ]
    if stale:
        current = (await _roster(presence, topic, view)).apply(diff)
        for name in stale:
            # A view that got its list after the diff was applied already shows it:
            # assigning the same list again would mark it changed in place, and
            # render it afresh instead of taking the shared render.
            if getattr(view, name) is not current:
                setattr(view, name, current)


async def snapshot(presence: Presence, topic: str) -> PresenceList:
    """Who is on ``topic`` now, unshared and never updated (a dead render's list)."""
    return _Roster(topic, await presence.list(topic)).current


def release(view: Any) -> None:
    """``view`` no longer shows its lists (it closed, or idled out of memory)."""
    for value in view.get_assigns().values():
        if isinstance(value, PresenceList):
            watching = _watching.get(value.topic)
            if watching is not None:
                watching.discard(id(view))
                if not watching:
                    del _watching[value.topic]
                    _rosters.pop(value.topic, None)
