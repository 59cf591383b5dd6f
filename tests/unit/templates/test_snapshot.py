"""Shallow snapshots: a value changed in place at its first level is seen, deeper is not."""

from __future__ import annotations

from typing import Any

import pytest

from tether.templates.snapshot import snapshot, unchanged


class Item:
    def __init__(self, name: str, tags: list[str]) -> None:
        self.name = name
        self.tags = tags


def _values() -> list[Any]:
    return [
        {"id": 1, "body": "hi", "meta": {"n": 1}},
        [1, {"a": 1}],
        (1, [2]),
        Item("a", ["x"]),
        "text",
        7,
    ]


@pytest.mark.parametrize("value", _values())
def test_a_value_left_alone_is_unchanged(value: Any) -> None:
    assert unchanged(value, snapshot(value))


def test_a_change_at_the_first_level_is_seen() -> None:
    row, rows, item = {"id": 1, "body": "hi"}, [1, 2], Item("a", ["x"])
    snaps = snapshot(row), snapshot(rows), snapshot(item)
    row["body"] = "edited"
    rows.append(3)
    item.name = "b"
    assert not unchanged(row, snaps[0])
    assert not unchanged(rows, snaps[1])
    assert not unchanged(item, snaps[2])


def test_a_change_deeper_is_not_seen_by_design() -> None:
    row = {"id": 1, "meta": {"n": 1}}
    snap = snapshot(row)
    row["meta"]["n"] = 2  # the view must say so: mark_changed
    assert unchanged(row, snap)
