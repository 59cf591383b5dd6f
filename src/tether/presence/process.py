"""The process-wide ``Presence``, built once from ``TETHER["PRESENCE"]``."""

from __future__ import annotations

import threading

from tether.conf import options, setting
from tether.presence.stores import BROADCAST_PERIOD, UPDATES_PER_SECOND, build_store
from tether.presence.tracker import Presence
from tether.pubsub import get_pubsub

_lock = threading.Lock()
_presence: Presence | None = None
# A room of 10,000 views in this process gets a presence diff every 10 s at most.
DEFAULT_UPDATES_PER_SECOND = 1000.0


def get_presence() -> Presence:
    """The process-wide ``Presence`` over ``get_pubsub()``, from ``TETHER["PRESENCE"]``.

    ``BACKEND`` picks the store (by default the one that follows the pub/sub
    backend); ``OPTIONS`` are ``BROADCAST_PERIOD`` (seconds, default 0.5),
    ``UPDATES_PER_SECOND`` (view updates per topic per second, default 1000;
    None: no limit) and the store's (``HEARTBEAT_INTERVAL``, ``HEARTBEAT_TTL``).
    """
    global _presence
    with _lock:
        if _presence is None:
            conf = setting("PRESENCE")
            pubsub = get_pubsub()
            own = options(conf)
            period = float(own.get(BROADCAST_PERIOD, 0.5))
            rate = own.get(UPDATES_PER_SECOND, DEFAULT_UPDATES_PER_SECOND)
            _presence = Presence(
                pubsub,
                store=build_store(pubsub, conf),
                broadcast_period=period,
                updates_per_second=float(rate) if rate else None,
            )
        return _presence


def reset_presence() -> None:
    """Forget the process-wide instance (tests; call ``close()`` on it first)."""
    global _presence
    with _lock:
        _presence = None
