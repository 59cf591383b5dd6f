"""The process-wide pub/sub built from ``TETHER["PUBSUB"]``."""

from __future__ import annotations

import threading
from typing import Any

from tether.conf import build, tether_settings
from tether.pubsub.base import PubSub

_lock = threading.Lock()
_pubsub: PubSub | None = None


def build_pubsub(config: dict[str, Any]) -> PubSub:
    """Instantiate ``{"BACKEND": dotted path, "OPTIONS": {...}}``.

    Option names are passed lower-cased as keyword arguments, so
    ``{"URL": ..., "PREFIX": ...}`` and ``{"url": ..., "prefix": ...}`` both work.
    """
    return build(config, PubSub)  # type: ignore[type-abstract]


def get_pubsub() -> PubSub:
    """The process-wide backend, built from settings on first call (not started)."""
    global _pubsub
    with _lock:
        if _pubsub is None:
            _pubsub = build_pubsub(tether_settings()["PUBSUB"])
        return _pubsub


def reset_pubsub() -> None:
    """Forget the process-wide backend (tests; ``close()`` it first)."""
    global _pubsub
    with _lock:
        _pubsub = None
