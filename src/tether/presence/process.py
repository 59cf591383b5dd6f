"""The process-wide ``Presence``, built once from ``TETHER["PRESENCE"]``."""

from __future__ import annotations

import threading

from tether.conf import options, setting
from tether.presence.stores import BROADCAST_PERIOD, build_store
from tether.presence.tracker import Presence
from tether.pubsub import get_pubsub

_lock = threading.Lock()
_presence: Presence | None = None


def get_presence() -> Presence:
    """The process-wide ``Presence`` over ``get_pubsub()``, from ``TETHER["PRESENCE"]``.

    ``BACKEND`` picks the store (by default the one that follows the pub/sub
    backend); ``OPTIONS`` are ``BROADCAST_PERIOD`` (seconds, default 0.5)
    and the store's (``HEARTBEAT_INTERVAL``, ``HEARTBEAT_TTL``).
    """
    global _presence
    with _lock:
        if _presence is None:
            conf = setting("PRESENCE")
            pubsub = get_pubsub()
            period = float(options(conf).get(BROADCAST_PERIOD, 0.5))
            _presence = Presence(pubsub, store=build_store(pubsub, conf), broadcast_period=period)
        return _presence


def reset_presence() -> None:
    """Forget the process-wide instance (tests; call ``close()`` on it first)."""
    global _presence
    with _lock:
        _presence = None
