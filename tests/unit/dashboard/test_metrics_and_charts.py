"""The dashboard's pure parts: rates per second, handler percentiles, sparkline geometry."""

from __future__ import annotations

from collections import deque

from tether.dashboard.charts import HEIGHT, WIDTH, chart, number
from tether.dashboard.metrics import (
    Counters,
    Timings,
    max_histories,
    percentile,
    plain,
    sum_histories,
)


def test_a_rate_is_the_last_full_second_and_joins_the_history() -> None:
    counters = Counters(("events", "joins"))
    counters.add("events")
    counters.add("events", 2)
    assert counters.last["events"] == 0  # the second is not over
    counters.roll()
    counters.add("joins")
    assert counters.last == {"events": 3, "joins": 0}
    counters.roll()
    assert list(counters.history["events"]) == [3, 0]
    assert list(counters.history["joins"]) == [0, 1]


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) == 0.0


def test_handler_timings_cover_the_finished_seconds_busiest_first() -> None:
    timings = Timings()
    for ms in (1, 2, 3, 100):
        timings.add(("Shop", "add"), ms / 1000)
    timings.add(("Shop", "mount"), 0.005)
    assert timings.summary() == []  # nothing finished yet
    timings.roll()
    (add, mount) = timings.summary()
    assert add[:3] == ("Shop", "add", 4)
    assert add[3] == 2.0 and add[4] == 100.0
    assert mount[:3] == ("Shop", "mount", 1)


def test_histories_of_nodes_align_on_the_latest_second() -> None:
    assert sum_histories([[1, 2, 3], [10]]) == [1, 2, 13]
    assert max_histories([[1, 20, 3], [10, 5]]) == [1, 20, 5]
    assert sum_histories([]) == []


def test_a_snapshot_is_plain_lists_and_dicts() -> None:
    assert plain({"a": deque([1, 2]), "b": (3, {"c": deque()})}) == {
        "a": [1, 2],
        "b": [3, {"c": []}],
    }


def test_a_chart_is_right_aligned_and_touches_the_top_at_its_peak() -> None:
    c = chart("events", "Events", "/s", [0.0, 5.0, 10.0])
    points = [tuple(map(float, p.split(","))) for p in c.points.split()]
    assert points[-1] == (WIDTH, 1.0)  # the peak, at the right edge
    assert points[0][1] == HEIGHT - 1  # zero sits on the floor
    assert points[0][0] < points[1][0] < points[2][0]
    assert c.last == "10" and c.peak == "10"
    assert c.area.startswith(f"{points[0][0]:.1f},{HEIGHT}")


def test_an_empty_or_flat_chart_draws_nothing_or_a_floor() -> None:
    assert chart("x", "X", "", []).points == ""
    flat = chart("x", "X", "", [0.0, 0.0])
    assert {p.split(",")[1] for p in flat.points.split()} == {f"{HEIGHT - 1:.1f}"}


def test_figures_are_short() -> None:
    assert [number(v) for v in (0, 7, 12.5, 1204, 34_500)] == ["0", "7", "12.5", "1,204", "34.5k"]
