"""Live state that survives: views frozen to a store and thawed on rejoin.

``settings.TETHER["STATE"]`` picks the store (alias-dict ``BACKEND`` +
``OPTIONS``): ``tether.state.memory.MemoryStateStore`` (default),
``tether.state.redis.RedisStateStore`` or ``tether.state.cache.CacheStateStore``.
"""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

from tether.state.base import StateStore
from tether.state.freezer import FreezeError, Frozen, ThawRefused, freeze, thaw

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
    from tether.django.conf import setting

    conf = setting("STATE")
    if _store is None or conf != _options:
        options = {k.lower(): v for k, v in conf.get("OPTIONS", {}).items()}
        options.pop("idle_after", None)
        _store = import_string(conf["BACKEND"])(**options)
        _options = conf
    return _store
