"""The test client's stream patch: what the browser's dom_patch does with "stream" entries."""

from __future__ import annotations

from typing import Any

import pytest

from tether.errors import UnmergeableDiff
from tether.testing.tree import ClientTree

ROW = ['<li id="', '">', "</li>"]


def join(*rows: str, at: int = -1, limit: int | None = None, extra: str = "") -> ClientTree:
    return ClientTree(
        {
            "0": {
                "s": 1,
                "k": {**{str(i): {"0": r, "1": r} for i, r in enumerate(rows)}, "kc": len(rows)},
                "stream": ["s", [[r, at, limit, False] for r in rows], []],
            },
            "s": 0,
            "p": {"0": ['<ul id="c" phx-update="stream">', extra + "</ul>"], "1": ROW},
        }
    )


def insert(
    client: ClientTree,
    *rows: tuple[str, str],
    at: int = -1,
    limit: int | None = None,
    update_only: bool = False,
    deletes: tuple[str, ...] = (),
    reset: bool = False,
) -> None:
    keyed: dict[str, Any] = {str(i): {"0": r, "1": t} for i, (r, t) in enumerate(rows)}
    keyed["kc"] = len(rows)
    entry: list[Any] = ["s", [[r, at, limit, update_only] for r, _t in rows], list(deletes)]
    if reset:
        entry.append(True)
    client.merge({"0": {"k": keyed, "stream": entry}})


def shown(client: ClientTree) -> list[str]:
    html = client.to_html()
    return [part.split('"')[0] for part in html.split('<li id="')[1:]]


def test_rows_go_first_last_or_at_an_index() -> None:
    client = join("a", "b", "c")
    insert(client, ("x", "x"), at=0)
    insert(client, ("y", "y"))
    insert(client, ("z", "z"), at=2)
    assert shown(client) == ["x", "a", "z", "b", "c", "y"]


def test_several_rows_at_zero_land_in_reverse_order() -> None:
    client = join()
    insert(client, ("1", "1"), ("2", "2"), ("3", "3"), at=0)
    assert shown(client) == ["3", "2", "1"]


def test_a_shown_row_is_updated_where_it_stands() -> None:
    client = join("a", "b", "c")
    insert(client, ("b", "B!"), at=0)
    assert shown(client) == ["a", "b", "c"]
    assert '<li id="b">B!</li>' in client.to_html()


def test_limits_cut_the_far_end() -> None:
    client = join("1", "2", "3")
    insert(client, ("4", "4"), limit=-3)
    assert shown(client) == ["2", "3", "4"]
    insert(client, ("0", "0"), at=0, limit=3)
    assert shown(client) == ["0", "2", "3"]
    insert(client, ("9", "9"), limit=3)  # appended, then cut again: nothing changes
    assert shown(client) == ["0", "2", "3"]


def test_deletes_and_resets() -> None:
    client = join("a", "b", "c")
    insert(client, deletes=("b",))
    assert shown(client) == ["a", "c"]
    insert(client, ("c", "c"), ("a", "a"), reset=True)
    assert shown(client) == ["c", "a"]
    insert(client, reset=True)
    assert shown(client) == []


def test_update_only_never_adds_a_row() -> None:
    client = join("a")
    insert(client, ("b", "b"), update_only=True)
    insert(client, ("a", "A!"), update_only=True)
    assert client.to_html().count("<li") == 1 and "A!" in client.to_html()


def test_appended_rows_go_before_a_trailing_row_no_stream_placed() -> None:
    client = join("a", extra='<li id="empty">none</li>')
    insert(client, ("b", "b"))
    assert shown(client) == ["a", "b", "empty"]


def test_a_row_without_an_id_is_refused_as_the_browser_would_drop_it() -> None:
    with pytest.raises(UnmergeableDiff):
        join("a", extra="<li>no id</li>")
