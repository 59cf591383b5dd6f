"""The presence store contract: where tracked entries live, and the diffs they make.

``Presence`` (``tether.presence.tracker``) decides refs, owners and when to
broadcast; a store only keeps entries and reports the leaves it finds by
itself (a dead process's). See docs/presence-stores.md.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tether.errors import ConfigurationError
from tether.pubsub import PubSub

Meta = dict[str, Any]
Emit = Callable[[str, "PresenceDiff"], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PresenceDiff:
    """Broadcast on a topic when entries join or leave: key -> the metas that changed."""

    joins: dict[str, list[Meta]] = field(default_factory=dict)
    leaves: dict[str, list[Meta]] = field(default_factory=dict)


class PresenceStore(ABC):
    """Where entries live. ``ref`` is unique per entry; ``meta`` already carries it.

    Built with keyword arguments only: the process's ``pubsub``, the
    heartbeat timings (which only a store spanning processes uses), and any
    other ``TETHER["PRESENCE"]["OPTIONS"]`` a custom store declares.
    """

    def __init__(
        self, *, pubsub: PubSub, heartbeat_interval: float = 5.0, heartbeat_ttl: float = 20.0
    ) -> None:
        if heartbeat_ttl <= heartbeat_interval:
            raise ConfigurationError(
                "presence HEARTBEAT_TTL must be longer than HEARTBEAT_INTERVAL"
            )
        self.pubsub = pubsub
        self.heartbeat_interval = float(heartbeat_interval)
        self.heartbeat_ttl = float(heartbeat_ttl)

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
