"""Which presence store a process uses: ``TETHER["PRESENCE"]``, else the pub/sub's kind.

Pub/sub knows nothing of presence; presence looks at the pub/sub backend
instead. Entries must be shared exactly as widely as the diffs they cause,
so by default the store follows the backend: Redis entries for
``RedisPubSub``, in-process entries for anything else. A custom backend that
spans processes names its store in ``TETHER["PRESENCE"]["BACKEND"]``.
"""

from __future__ import annotations

from typing import Any, Final

from tether.conf import build, options
from tether.presence.base import PresenceStore
from tether.pubsub import PubSub
from tether.pubsub.redis import RedisPubSub

MEMORY: Final = "tether.presence.memory.MemoryPresenceStore"
REDIS: Final = "tether.presence.redis.RedisPresenceStore"
# Presence's own options; every other one in OPTIONS goes to the store.
BROADCAST_PERIOD: Final = "broadcast_period"
UPDATES_PER_SECOND: Final = "updates_per_second"
OWN_OPTIONS: Final = (BROADCAST_PERIOD, UPDATES_PER_SECOND)


def default_backend(pubsub: PubSub) -> str:
    """The store that shares entries as widely as ``pubsub`` shares messages."""
    return REDIS if isinstance(pubsub, RedisPubSub) else MEMORY


def build_store(pubsub: PubSub, config: dict[str, Any] | None = None) -> PresenceStore:
    """The store for ``pubsub`` from a ``{"BACKEND": ..., "OPTIONS": ...}`` alias dict.

    Without ``BACKEND`` the store follows ``pubsub`` (``default_backend``).
    """
    config = config or {}
    store_options = {k: v for k, v in options(config).items() if k not in OWN_OPTIONS}
    backend = config.get("BACKEND") or default_backend(pubsub)
    return build(
        {"BACKEND": backend, "OPTIONS": store_options},
        PresenceStore,  # type: ignore[type-abstract]
        pubsub=pubsub,
    )
