"""The stream API on a view: DOM ids, what is queued, and what is never state."""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass

import pytest

from tether import LiveView, StreamError, protocol
from tether.state import Frozen, freeze
from tether.templates.rendered import Comprehension, Statics


@dataclass
class Row:
    pk: int
    title: str


class Todos(LiveView):
    template_name = "unused.html"


def queued(view: LiveView, name: str) -> list[tuple[str, int, int | None, bool]]:
    batch = view.stream_context()["streams"][name]
    return [(i.dom_id, i.at, i.limit, i.update_only) for i in batch.inserts]


def test_dom_ids_default_to_name_and_pk_or_id_and_can_be_configured() -> None:
    view = Todos()
    view.stream("rows", [Row(7, "a")])
    view.stream("todos", [{"id": "x"}])
    view.stream("tags", ["red"], dom_id=lambda tag: f"tag-{tag}")
    assert queued(view, "rows") == [("rows-7", -1, None, False)]
    assert queued(view, "todos") == [("todos-x", -1, None, False)]
    assert queued(view, "tags") == [("tag-red", -1, None, False)]


def test_an_item_without_an_id_names_the_stream_and_the_fix() -> None:
    with pytest.raises(StreamError, match=r"'tags'.*dom_id="):
        Todos().stream("tags", ["red"])


def test_operations_on_an_undefined_stream_say_to_define_it_in_mount_and_on_thaw() -> None:
    view = Todos()
    with pytest.raises(StreamError, match="on_thaw"):
        view.stream_insert("todos", {"id": 1})
    with pytest.raises(StreamError):
        view.stream_delete_by_dom_id("todos", "todos-1")


def test_a_reset_drops_what_was_queued_before_it() -> None:
    view = Todos()
    view.stream("todos", [{"id": 1}])
    view.stream_delete_by_dom_id("todos", "todos-9")
    view.stream("todos", [{"id": 2}], reset=True, at=0, limit=10)
    batch = view.stream_context()["streams"]["todos"]
    assert batch.reset and batch.deletes == ()
    assert queued(view, "todos") == [("todos-2", 0, 10, False)]


def test_streams_mark_the_template_name_streams_changed_and_are_never_assigns() -> None:
    view = Todos()
    view.pop_changed()
    view.stream("todos", [{"id": n} for n in range(10)])
    assert view.pop_changed() == {"streams"}
    assert view.get_assigns() == {}


def _frozen(view: LiveView) -> bytes:
    return freeze(Frozen("v", "phx-1", None, "/", view.get_assigns()))


def test_a_ten_thousand_item_stream_freezes_to_the_same_bytes_count_as_an_empty_one() -> None:
    empty, full = Todos(), Todos()
    empty.stream("todos", [])
    full.stream("todos", [{"id": n, "text": "x" * 50} for n in range(10_000)])
    assert len(_frozen(full)) == len(_frozen(empty))


def test_a_view_without_streams_keeps_nothing_for_them_across_renders() -> None:
    view = Todos()
    assert view.stream_context() == {"streams": {}}
    view.streams_sent()
    assert vars(view).keys() == Todos().__dict__.keys(), "every open page would pay for it"


def test_a_sent_stream_leaves_no_new_container_for_the_collector_to_walk() -> None:
    # Every view of a room sends a row per broadcast: what each keeps after it
    # is walked by every collection until the next freeze (8 new objects a
    # view before, so 80,000 a message in a room of 10,000).
    view = Todos()
    view.stream("rows", [Row(1, "a")])
    view.stream_context()
    view.streams_sent()
    entry = view._stream_table()["rows"]
    containers = entry.inserts, entry.deletes
    view.stream_insert("rows", Row(2, "b"))
    view.stream_delete("rows", Row(1, "a"))
    assert queued(view, "rows") == [("rows-2", -1, None, False)]
    view.streams_sent()
    assert (entry.inserts, entry.deletes) == ({}, [])
    assert entry.inserts is containers[0] and entry.deletes is containers[1]

    statics = Statics(["<li>", "</li>"])
    rows = Comprehension(statics, ["rows-2"], [["b"]], stream=["rows", [["rows-2", -1]], []])
    rows.release()
    gc.collect()
    assert rows.stream == ("rows", (), ()) and not gc.is_tracked(rows.stream)
    assert json.loads(protocol.dumps({"stream": rows.stream})) == {"stream": ["rows", [], []]}
    assert (rows.rows, rows.keys, rows.row_ok) == ((), (), [])
