"""Encode a broadcast's diff once for every view that renders the same one.

A broadcast often makes thousands of views produce identical diffs (a new
chat message for everyone in the room). The first view encodes the JSON; the
others compare their diff with it (a C-speed dict comparison) and reuse the
same string. Only the frame's short head, which names the topic, differs.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from tether import protocol, telemetry


class SharedPayloads:
    """Recent broadcasts and the encoded diffs they produced."""

    KEEP_MESSAGES = 8
    VARIANTS = 4  # distinct diffs remembered per message

    def __init__(self) -> None:
        self._recent: OrderedDict[int, tuple[object, list[tuple[dict[str, Any], str]]]] = (
            OrderedDict()
        )
        self.hits = 0
        self.misses = 0

    def encode(self, message: object | None, diff: dict[str, Any]) -> str:
        if message is None:
            return protocol.dumps(diff)
        entry = self._recent.get(id(message))
        if entry is None or entry[0] is not message:
            entry = (message, [])
            self._recent[id(message)] = entry
            while len(self._recent) > self.KEEP_MESSAGES:
                self._recent.popitem(last=False)
        variants = entry[1]
        for known, encoded in variants:
            if known == diff:
                self.hits += 1
                if telemetry.enabled(telemetry.SHARED_ENCODE):
                    telemetry.emit(telemetry.SHARED_ENCODE, {telemetry.HIT: True})
                return encoded
        self.misses += 1
        encoded = protocol.dumps(diff)
        if telemetry.enabled(telemetry.SHARED_ENCODE):
            telemetry.emit(telemetry.SHARED_ENCODE, {telemetry.HIT: False})
        if len(variants) < self.VARIANTS:
            variants.append((diff, encoded))
        return encoded


shared_payloads = SharedPayloads()
