"""The process-wide pub/sub built from ``TETHER["PUBSUB"]``."""

from __future__ import annotations

import threading
from typing import Any

from django.utils.module_loading import import_string

from tether.pubsub.base import PubSub

_lock = threading.Lock()
_pubsub: PubSub | None = None


def build_pubsub(config: dict[str, Any]) -> PubSub:
    """Instantiate ``{"BACKEND": dotted path, "OPTIONS": {...}}``.

    Option names are passed lower-cased as keyword arguments, so
    ``{"URL": ..., "PREFIX": ...}`` and ``{"url": ..., "prefix": ...}`` both work.
    """
    backend = import_string(config["BACKEND"])
    options = {k.lower(): v for k, v in (config.get("OPTIONS") or {}).items()}
    pubsub = backend(**options)
    if not isinstance(pubsub, PubSub):
        raise TypeError(f"{config['BACKEND']} is not a tether.pubsub.PubSub")
    return pubsub


def get_pubsub() -> PubSub:
    """The process-wide backend, built from settings on first call (not started)."""
    global _pubsub
    with _lock:
        if _pubsub is None:
            from tether.django.conf import tether_settings

            _pubsub = build_pubsub(tether_settings()["PUBSUB"])
        return _pubsub


def reset_pubsub() -> None:
    """Forget the process-wide backend (tests; ``close()`` it first)."""
    global _pubsub
    with _lock:
        _pubsub = None
