"""Live state that survives: views frozen to a store and thawed on rejoin.

``settings.TETHER["STATE"]`` picks the store (alias-dict ``BACKEND`` +
``OPTIONS``): ``tether.state.memory.MemoryStateStore`` (default),
``tether.state.redis.RedisStateStore`` or ``tether.state.cache.CacheStateStore``.
"""

from __future__ import annotations

from typing import Any

from tether.conf import build, options, setting
from tether.errors import FreezeError, ThawRefused
from tether.state.base import StateStore
from tether.state.freezer import Frozen, freeze, thaw

__all__ = [
    "FreezeError",
    "Frozen",
    "StateStore",
    "ThawRefused",
    "freeze",
    "get_state_store",
    "thaw",
]

_store: StateStore | None = None
_options: dict[str, Any] | None = None


def get_state_store() -> StateStore:
    """The process's store, built from settings (rebuilt if the settings changed)."""
    global _store, _options
    conf = setting("STATE")
    if _store is None or conf != _options:
        _store = build({**conf, "OPTIONS": _store_options(conf)}, StateStore)  # type: ignore[type-abstract]
        _options = conf
    return _store


def _store_options(conf: dict[str, Any]) -> dict[str, Any]:
    # TTL is the freezer's (how old a state may be thawed), not the store's alone.
    return {k: v for k, v in options(conf).items() if k != "idle_after"}


def state_ttl(conf: dict[str, Any]) -> float:
    """How long frozen state stays thawable, from ``TETHER["STATE"]["OPTIONS"]["TTL"]``."""
    return float(options(conf).get("ttl", 3600))
