"""Counters per second, a sliding window of durations, and short histories. Pure.

The recorder counts into the current second and rolls over once a second;
a snapshot reads only finished seconds, so a rate is never half a second.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

HISTORY = 60  # seconds of history in a snapshot's charts
WINDOW = 10  # seconds of handler times behind each p50/p99
SAMPLES_PER_SECOND = 2_000  # per (view, handler): enough for a p99, bounded in memory


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (0.0 for none)."""
    if not sorted_values:
        return 0.0
    # The smallest value with at least ``fraction`` of them at or below it; the
    # epsilon keeps 0.99 * 100 (99.00000000000001 in floats) at rank 99.
    rank = math.ceil(fraction * len(sorted_values) - 1e-9)
    return sorted_values[max(0, min(len(sorted_values), rank) - 1)]


class Timings:
    """Durations per key (view, handler) over the last ``WINDOW`` seconds."""

    def __init__(self) -> None:
        self.current: dict[tuple[str, str], list[float]] = {}
        self._past: deque[dict[tuple[str, str], list[float]]] = deque(maxlen=WINDOW)

    def add(self, key: tuple[str, str], seconds: float) -> None:
        samples = self.current.get(key)
        if samples is None:
            self.current[key] = [seconds]
        elif len(samples) < SAMPLES_PER_SECOND:
            samples.append(seconds)

    def roll(self) -> None:
        self._past.append(self.current)
        self.current = {}

    def summary(self) -> list[tuple[str, str, int, float, float]]:
        """(view, handler, count, p50 ms, p99 ms) for each key, busiest first."""
        merged: dict[tuple[str, str], list[float]] = {}
        for second in self._past:
            for key, samples in second.items():
                merged.setdefault(key, []).extend(samples)
        rows = []
        for (view, handler), samples in merged.items():
            samples.sort()
            rows.append(
                (
                    view,
                    handler,
                    len(samples),
                    percentile(samples, 0.5) * 1e3,
                    percentile(samples, 0.99) * 1e3,
                )
            )
        rows.sort(key=lambda row: (-row[2], row[0], row[1]))
        return rows


class Counters:
    """Named counts for the current second, the last full second, and a history of each."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.current = dict.fromkeys(names, 0)
        self.last = dict.fromkeys(names, 0)
        self.history: dict[str, deque[float]] = {n: deque(maxlen=HISTORY) for n in names}

    def add(self, name: str, amount: int = 1) -> None:
        self.current[name] += amount

    def roll(self) -> None:
        self.last, self.current = self.current, dict.fromkeys(self.names, 0)
        for name, value in self.last.items():
            self.history[name].append(value)


class Series:
    """A gauge sampled once a second (loop lag, memory)."""

    def __init__(self) -> None:
        self.values: deque[float] = deque(maxlen=HISTORY)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def last(self) -> float:
        return self.values[-1] if self.values else 0.0


def sum_histories(histories: list[list[float]]) -> list[float]:
    """Add histories of several nodes, aligned on their latest second."""
    length = max((len(h) for h in histories), default=0)
    total = [0.0] * length
    for history in histories:
        offset = length - len(history)
        for index, value in enumerate(history):
            total[offset + index] += value
    return total


def max_histories(histories: list[list[float]]) -> list[float]:
    """The highest of several nodes' values each second, aligned on their latest second."""
    length = max((len(h) for h in histories), default=0)
    top = [0.0] * length
    for history in histories:
        offset = length - len(history)
        for index, value in enumerate(history):
            top[offset + index] = max(top[offset + index], value)
    return top


def plain(value: Any) -> Any:
    """Deques and tuples as lists: a snapshot travels pickled, and small."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, deque | list | tuple):
        return [plain(item) for item in value]
    return value
