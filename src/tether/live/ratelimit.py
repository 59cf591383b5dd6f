"""A token bucket: how many frames a client may send, and how fast.

Each client frame that costs the server work (a join, an event, a patch)
takes a token; tokens come back at ``rate`` per second up to ``burst``. A
person clicking, typing or scrolling never runs out; a script does, and its
frames are refused cheaply, before any view runs. A client that keeps
sending after being refused ``burst`` times in a row is flooding, and its
socket is closed: the flood costs the sender, not the others.
"""

from __future__ import annotations

import time


class TokenBucket:
    __slots__ = ("_at", "_tokens", "burst", "rate", "refused")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._at = time.monotonic()
        self.refused = 0  # refusals since the last frame that was let through

    def take(self) -> bool:
        """True if a frame may go through now."""
        now = time.monotonic()
        tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if tokens < 1.0:
            self._tokens = tokens
            self.refused += 1
            return False
        self._tokens = tokens - 1.0
        self.refused = 0
        return True

    @property
    def flooding(self) -> bool:
        return self.refused > self.burst
