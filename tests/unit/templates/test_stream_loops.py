"""A loop over a stream: rows rendered once, the 1.2 "stream" entry, statics sent once."""

from __future__ import annotations

import json
from typing import Any

from django.template import Context
from tests.unit.templates.conftest import Live

from tether.streams import StreamsMixin
from tether.templates import Comprehension, Rendered, compile, diff, dumps
from tether.testing.tree import ClientTree

SOURCE = (
    '<h1>{{ title }}</h1><ul id="todos" phx-update="stream">'
    '{% for dom_id, todo in streams.todos %}<li id="{{ dom_id }}">{{ todo.text }}</li>'
    "{% empty %}<li>never</li>{% endfor %}</ul>"
)


class View(StreamsMixin):
    pass


class Page:
    """A view, its compiled template, and the client's copy, stepped like the renderer does."""

    def __init__(self, live: Live) -> None:
        self.template = compile(live.template(SOURCE))
        self.view = View()
        self.view.title = "Todos"
        self.tree: Rendered | None = None
        self.client: ClientTree | None = None

    def render(self) -> dict[str, Any]:
        data = dict(self.view.get_assigns())
        data.update(self.view.stream_context())
        changed = self.view.pop_changed()
        new = self.template.render(Context(data), previous=self.tree, changed=changed)
        wire = json.loads(dumps(diff(self.tree, new)))
        self.view.streams_sent()
        self.tree = new
        if self.client is None:
            self.client = ClientTree(wire)
        else:
            self.client.merge(wire)
        return wire

    def comprehension(self) -> Comprehension:
        assert self.tree is not None
        found = self.tree.dynamics[1]
        assert isinstance(found, Comprehension)
        return found


def todo(n: int) -> dict[str, Any]:
    return {"id": n, "text": f"todo {n}"}


def test_the_join_sends_the_row_statics_the_rows_and_the_stream_entry(live: Live) -> None:
    page = Page(live)
    page.view.stream("todos", [todo(1), todo(2)])
    wire = page.render()
    loop = wire["1"]
    assert wire["p"][str(loop["s"])] == ['<li id="', '">', "</li>"]
    assert loop["k"] == {
        "0": {"0": "todos-1", "1": "todo 1"},
        "1": {"0": "todos-2", "1": "todo 2"},
        "kc": 2,
    }
    # A null limit and a false update_only are left out: the client reads them so.
    assert loop["stream"] == ["todos", [["todos-1", -1], ["todos-2", -1]], []]


def test_an_insert_sends_one_row_without_statics_and_the_server_keeps_none(live: Live) -> None:
    page = Page(live)
    page.view.stream("todos", [todo(n) for n in range(1000)])
    page.render()
    assert page.comprehension().rows == () and page.view._streams["todos"].inserts == {}
    page.view.stream_insert("todos", todo(1000), at=0, limit=500)
    wire = page.render()
    assert wire == {
        "1": {
            "k": {"0": {"0": "todos-1000", "1": "todo 1000"}, "kc": 1},
            "stream": ["todos", [["todos-1000", 0, 500]], []],
        }
    }
    assert page.comprehension().rows == ()


def test_a_render_with_no_stream_operation_sends_nothing_for_the_stream(live: Live) -> None:
    page = Page(live)
    page.view.stream("todos", [todo(1)])
    page.render()
    page.view.title = "Renamed"
    assert page.render() == {"0": "Renamed"}
    page.view.stream("todos", [])  # marks the stream changed, with nothing to do
    assert page.render() == {}


def test_deletes_and_resets_travel_beside_the_rows(live: Live) -> None:
    page = Page(live)
    page.view.stream("todos", [todo(1), todo(2)])
    page.render()
    page.view.stream_delete("todos", todo(1))
    assert page.render()["1"]["stream"] == ["todos", [], ["todos-1"]]
    page.view.stream("todos", [todo(3)], reset=True)
    wire = page.render()
    assert wire["1"]["stream"] == ["todos", [["todos-3", -1]], [], True]
    assert page.client is not None
    assert page.client.to_html().count("<li") == 1


def test_the_dead_render_shows_every_row_and_never_the_empty_branch(live: Live) -> None:
    page = Page(live)
    page.view.stream("todos", [])
    page.render()
    assert page.tree is not None
    assert "never" not in page.tree.to_html()
    page.view.stream("todos", [todo(1), todo(2)])
    data = {**page.view.get_assigns(), **page.view.stream_context()}
    html = page.template.render(Context(data)).to_html()
    assert '<li id="todos-1">todo 1</li><li id="todos-2">todo 2</li>' in html


def test_inserting_an_id_twice_in_one_render_sends_the_last_version_once(live: Live) -> None:
    page = Page(live)
    page.view.stream("todos", [])
    page.render()
    page.view.stream_insert("todos", todo(1))
    page.view.stream_insert("todos", {"id": 1, "text": "changed"}, at=0)
    loop = page.render()["1"]
    assert loop["k"] == {"0": {"0": "todos-1", "1": "changed"}, "kc": 1}
    assert loop["stream"][1] == [["todos-1", 0]]


def test_update_only_is_sent_with_its_limit_placeholder(live: Live) -> None:
    page = Page(live)
    page.view.stream("todos", [])
    page.render()
    page.view.stream_insert("todos", todo(1), update_only=True)
    assert page.render()["1"]["stream"][1] == [["todos-1", -1, None, True]]
