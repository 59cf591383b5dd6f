"""Who is on a topic, as a value a view keeps and a template loops over.

``PresenceList`` is what the chat demo used to rebuild by hand from each
``PresenceDiff``: load it once, then apply each diff as it arrives::

    async def mount(self, request, **kwargs):
        if self.connected:
            await self.subscribe("room")
            await self.track("room", name, {"status": "here"})
        self.present = await PresenceList.load("room")

    async def handle_info(self, message):
        if isinstance(message, PresenceDiff):
            self.present = self.present.apply(message)

and in the template::

    {% for person in present %}{{ person.key }} ({{ person.count }} tabs){% endfor %}

A list is immutable: ``apply`` returns a new one (assigning it marks the
assign changed), or the same one when the diff changed nothing. Entries are
matched by their ref, one per tab, so applying a diff twice, or a join that
``load`` already saw, changes nothing. Entries come sorted by key.

A ``PresenceDiff`` does not name its topic: a view that tracks several
topics keeps one list per topic and routes each diff itself. Frozen state
keeps the list; it may be stale after a thaw, so ``load`` it again in
``on_thaw``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tether.presence.base import Meta, PresenceDiff
from tether.presence.process import get_presence
from tether.protocol import PRESENCE_REF


@dataclass(frozen=True, slots=True)
class Present:
    """One key on the topic (a user, say) and the metas of each of its tabs."""

    key: str
    metas: tuple[Meta, ...]

    @property
    def count(self) -> int:
        """How many entries (tabs) the key has."""
        return len(self.metas)

    @property
    def meta(self) -> Meta:
        """The first entry's meta, for keys whose tabs all say the same."""
        return self.metas[0]


def _ref(meta: Meta) -> str:
    return str(meta.get(PRESENCE_REF, ""))


@dataclass(frozen=True, slots=True)
class PresenceList:
    """The keys present on ``topic``, each with its entries; iterate it in a template."""

    topic: str
    entries: tuple[Present, ...] = field(default=())

    @classmethod
    async def load(cls, topic: str) -> PresenceList:
        """Who is on ``topic`` now, from the process's presence (``get_presence()``)."""
        return cls.build(topic, await get_presence().list(topic))

    @classmethod
    def build(cls, topic: str, listing: Mapping[str, Sequence[Meta]]) -> PresenceList:
        """From ``key -> metas``, as ``Presence.list`` returns it."""
        entries = tuple(
            Present(key, tuple(sorted(metas, key=_ref)))
            for key, metas in sorted(listing.items())
            if metas
        )
        return cls(topic, entries)

    def apply(self, diff: PresenceDiff) -> PresenceList:
        """This list after ``diff``: joins added and leaves removed, by ref."""
        by_key: dict[str, dict[str, Meta]] = {
            entry.key: {_ref(m): m for m in entry.metas} for entry in self.entries
        }
        changed = False
        for key, metas in diff.joins.items():
            refs = by_key.setdefault(key, {})
            for meta in metas:
                if _ref(meta) not in refs:
                    refs[_ref(meta)] = meta
                    changed = True
        for key, metas in diff.leaves.items():
            refs = by_key.get(key, {})
            for meta in metas:
                if refs.pop(_ref(meta), None) is not None:
                    changed = True
        if not changed:
            return self
        listing = {key: list(refs.values()) for key, refs in by_key.items()}
        return self.build(self.topic, listing)

    @property
    def keys(self) -> list[str]:
        """The keys present, sorted."""
        return [entry.key for entry in self.entries]

    def get(self, key: str) -> Present | None:
        return next((entry for entry in self.entries if entry.key == key), None)

    def __iter__(self) -> Iterator[Present]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: Any) -> bool:
        return any(entry.key == key for entry in self.entries)
