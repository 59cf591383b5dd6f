"""Who is on a topic, with join/leave diffs, in memory or shared through Redis.

See docs/presence.md; writing a store: docs/presence-stores.md.
"""

from __future__ import annotations

from tether.presence.base import Emit, Meta, PresenceDiff, PresenceStore
from tether.presence.listing import PresenceList, Present
from tether.presence.memory import MemoryPresenceStore
from tether.presence.process import get_presence, reset_presence
from tether.presence.stores import build_store
from tether.presence.tracker import Presence, new_ref
from tether.protocol import PRESENCE_REF as REF_KEY

__all__ = [
    "REF_KEY",
    "Emit",
    "MemoryPresenceStore",
    "Meta",
    "Presence",
    "PresenceDiff",
    "PresenceList",
    "PresenceStore",
    "Present",
    "build_store",
    "get_presence",
    "new_ref",
    "reset_presence",
]
