"""Charts as SVG geometry, computed on the server and drawn by the template. Pure.

A chart is a polyline over the last minute, one point a second, scaled so
that its highest value touches the top. The template writes ``points`` into
an ``<svg>``; a new second changes only that string, so the diff is small.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 240
HEIGHT = 48
SLOTS = 60  # one a second: the history a snapshot carries


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    unit: str
    points: str
    area: str
    last: str
    peak: str


def chart(key: str, title: str, unit: str, values: list[float]) -> Chart:
    """A sparkline of ``values`` (oldest first), right-aligned on a minute's width."""
    values = values[-SLOTS:]
    peak = max(values, default=0.0)
    scale = (HEIGHT - 2) / peak if peak > 0 else 0.0
    step = WIDTH / (SLOTS - 1)
    start = SLOTS - len(values)
    coords = [
        f"{(start + index) * step:.1f},{HEIGHT - 1 - value * scale:.1f}"
        for index, value in enumerate(values)
    ]
    points = " ".join(coords)
    area = f"{coords[0].split(',')[0]},{HEIGHT} {points} {WIDTH:.1f},{HEIGHT}" if coords else ""
    return Chart(key, title, unit, points, area, number(values[-1] if values else 0), number(peak))


def number(value: float) -> str:
    """Short figures for a glance: 0, 7, 12.5, 1,204, 3.4k."""
    if value >= 10_000:
        return f"{value / 1000:,.1f}k"
    if value >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.1f}"
