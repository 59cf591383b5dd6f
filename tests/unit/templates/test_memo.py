"""Shared renders: views given the same inputs share one subtree, and every diff stays right."""

from __future__ import annotations

import json
from typing import Any

from django.template import Context
from django.utils.safestring import mark_safe
from tests.unit.templates.conftest import Live

from tether.streams import StreamsMixin
from tether.templates import Comprehension, Rendered, compile, diff, dumps
from tether.templates.memo import PROBE, SharedRenders, shareable, sharing
from tether.templates.rendered import ComponentRef, Statics
from tether.testing.tree import ClientTree

ROOM = (
    "<h1>{{ me }}</h1>"
    '<ul id="all">{% for m in messages %}<li id="m{{ m.id }}">{{ m.author }}: {{ m.body }}'
    "</li>{% endfor %}</ul>"
    '<ul id="mine">{% for m in messages %}{% if m.author == me %}<li>{{ m.body }}</li>'
    "{% endif %}{% endfor %}</ul>"
    "{% with n=messages|length %}<p>{{ n }} messages</p>{% endwith %}"
)
ALL = 1  # the dynamics index of the loop every view shares


def message(n: int, author: str = "ada") -> dict[str, Any]:
    return {"id": n, "author": author, "body": f"hello {n}"}


_TEMPLATES: dict[tuple[int, str], Any] = {}


def _template(live: Live, source: str) -> Any:
    """One Django template per source, as a loader gives every view of a page."""
    key = (id(live), source)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = live.template(source)
    return _TEMPLATES[key]


class Page:
    """One view's side of a page: its tree, its client's copy, rendered the renderer's way."""

    def __init__(self, live: Live, memo: SharedRenders, source: str = ROOM, **data: Any) -> None:
        self.django = _template(live, source)
        self.template = compile(self.django)
        self.memo = memo
        self.data = data
        self.tree: Rendered | None = None
        self.client: ClientTree | None = None

    def render(self, *, mutated: frozenset[str] = frozenset(), **changes: Any) -> str:
        """Assign ``changes``; returns the encoded diff, after checking the client's HTML."""
        self.data.update(changes)
        changed = set(changes) if self.tree is not None else None
        with sharing(self.memo, ("en-us", "UTC"), mutated):
            new = self.template.render(Context(dict(self.data)), self.tree, changed)
        encoded = dumps(diff(self.tree, new))
        wire = json.loads(encoded)
        if self.client is None:
            self.client = ClientTree(wire)
        else:
            self.client.merge(wire)
        self.tree = new
        expected = self.django.render(Context(dict(self.data)))
        assert new.to_html() == expected
        assert self.client.to_html() == expected
        return encoded

    def shared(self) -> object:
        assert self.tree is not None
        return self.tree.dynamics[ALL]


def test_two_views_in_the_same_state_share_one_tree_and_send_the_same_bytes(live: Live) -> None:
    memo = SharedRenders(1000)
    history = [message(1), message(2, "bob")]
    ada = Page(live, memo, me="ada", messages=history)
    bob = Page(live, memo, me="bob", messages=history)
    ada.render()
    bob.render()
    assert isinstance(ada.shared(), Comprehension) and ada.shared() is bob.shared()
    broadcast = [*history, message(3)]
    ada_diff = ada.render(messages=broadcast)
    bob_diff = bob.render(messages=broadcast)
    assert ada.shared() is bob.shared()
    # The shared loop's change is the same; the per-viewer loop differs (ada wrote 3).
    assert json.loads(ada_diff)[str(ALL)] == json.loads(bob_diff)[str(ALL)]
    ada2 = Page(live, memo, me="ada", messages=broadcast)
    ada2.render()
    assert ada2.tree is not None and ada.tree is not None
    assert ada2.tree.dynamics == ada.tree.dynamics  # the same objects, slot by slot


def test_a_view_whose_state_differs_gets_its_own_correct_diff(live: Live) -> None:
    memo = SharedRenders(1000)
    history = [message(1), message(2)]
    shared = Page(live, memo, me="ada", messages=history)
    other = Page(live, memo, me="ada", messages=history)
    shared.render()
    other.render()
    shared.render(messages=[*history, message(3)])
    other_diff = other.render(messages=[message(2), message(9, "cy")])
    assert shared.shared() is not other.shared()
    assert "hello 9" in other_diff and "hello 3" not in other_diff


def test_after_divergence_and_reconvergence_the_diffs_stay_right(live: Live) -> None:
    memo = SharedRenders(1000)
    first = [message(1)]
    pages = [Page(live, memo, me=name, messages=first) for name in ("ada", "bob", "ada")]
    for page in pages:
        page.render()
    second = [*first, message(2, "bob")]
    for page in pages:
        page.render(messages=second)
    pages[1].render(messages=[message(7, "bob")])  # bob filters his own view
    third = [*second, message(3)]
    for page in pages:
        page.render(messages=third)  # bob's diff is from his own list, the others' from second
    assert pages[0].shared() is pages[1].shared() is pages[2].shared()


def test_a_value_changed_deep_in_place_and_marked_is_rendered_afresh(live: Live) -> None:
    memo = SharedRenders(1000)
    item = {"body": "hi", "meta": {"n": 1}}
    source = "{% if m %}<i>{{ m.meta.n }} {{ m.body }}</i>{% endif %}"
    ada = Page(live, memo, source, m=item)
    bob = Page(live, memo, source, m=item)
    ada.render()
    bob.render()
    assert ada.tree is not None and bob.tree is not None
    assert ada.tree.dynamics[0] is bob.tree.dynamics[0]
    item["meta"]["n"] = 2  # deeper than a snapshot sees: the view says so (mark_changed)
    ada.render(mutated=frozenset({"m"}), m=item)
    bob.render(mutated=frozenset({"m"}), m=item)
    carol = Page(live, memo, source, m=item)
    carol.render()  # joins later: gets the refreshed render, not the one from before
    assert carol.tree is not None and "<i>2 hi</i>" in carol.tree.to_html()


def test_an_item_changed_at_its_first_level_is_a_miss_even_unmarked(live: Live) -> None:
    memo = SharedRenders(1000)
    item = message(1)
    ada = Page(live, memo, "{% if m %}<b>{{ m.body }}</b>{% endif %}", m=item)
    ada.render()
    item["body"] = "edited"
    bob = Page(live, memo, "{% if m %}<b>{{ m.body }}</b>{% endif %}", m=item)
    bob.render()
    assert bob.tree is not None and "edited" in bob.tree.to_html()


def test_equal_values_of_different_types_never_share(live: Live) -> None:
    memo = SharedRenders(1000)
    source = "{% if x %}<b>{{ x }}</b>{% endif %}"
    for value in (1, True, 1.0, "<i>", mark_safe("<i>")):
        Page(live, memo, source, x=value).render()  # each checked against Django


def test_language_and_time_zone_are_part_of_the_key(live: Live) -> None:
    memo = SharedRenders(1000)
    template = compile(_template(live, "{% if x %}<b>{{ x }}</b>{% endif %}"))
    trees = []
    for scope in (("en", "UTC"), ("fr", "UTC"), ("en", "Europe/Paris"), ("en", "UTC")):
        with sharing(memo, scope):
            trees.append(template.render(Context({"x": "a"})))
    first, french, paris, again = (t.dynamics[0] for t in trees)
    assert first is again and first is not french and first is not paris


def test_a_slot_whose_inputs_differ_per_view_stops_filling_the_memo(live: Live) -> None:
    memo = SharedRenders(10_000)
    source = "{% if me %}<b>{{ me }}</b>{% endif %}"
    for n in range(PROBE * 3):
        Page(live, memo, source, me=f"guest-{n}").render()
    assert len(memo) <= PROBE


def test_the_memo_keeps_at_most_its_size(live: Live) -> None:
    memo = SharedRenders(5)
    for n in range(20):
        Page(live, memo, "{% if x %}<b>{{ x }}</b>{% endif %}", x=[n]).render()
    assert len(memo) == 5


class StreamView(StreamsMixin):
    pass


STREAMED = (
    "<h1>{{ title }}</h1>"
    '<ul id="s" phx-update="stream">{% for dom_id, t in streams.todos %}'
    '<li id="{{ dom_id }}">{% if t.done %}<s>{{ t.text }}</s>{% else %}{{ t.text }}{% endif %}'
    "</li>{% endfor %}</ul>"
    "{% for m in shared %}<p>{{ m.body }}</p>{% endfor %}"
)


def test_stream_rows_inside_a_shared_page_reach_every_view(live: Live) -> None:
    memo = SharedRenders(1000)
    template = compile(_template(live, STREAMED))
    shared = [message(1)]
    views, trees, wires = [], [], []
    for _ in range(3):
        view = StreamView()
        view.title = "T"
        view.shared = shared
        view.stream("todos", [{"id": 1, "text": "one", "done": False}])
        views.append(view)
        trees.append(None)
    item = {"id": 2, "text": "two", "done": True}
    for round_ in range(2):
        wires = []
        for i, view in enumerate(views):
            if round_:
                view.stream_insert("todos", item)
            data = {**view.get_assigns(), **view.stream_context()}
            changed = view.pop_changed() if trees[i] is not None else None
            with sharing(memo, ("en", "UTC"), view.pop_mutated()):
                new = template.render(Context(data), trees[i], changed)
            wires.append(dumps(diff(trees[i], new)))
            view.streams_sent()  # releases this view's rows, never another's
            trees[i] = new
        assert wires[0] == wires[1] == wires[2]
    assert "<s>two</s>" not in wires[0] and '"two"' in wires[0]
    loops = [t.dynamics[2] for t in trees if t is not None]
    assert loops[0] is loops[1] is loops[2]


def test_a_tree_holding_a_component_or_stream_rows_is_never_shared() -> None:
    class Source:
        def write_component(self, cid: int, out: list[str]) -> None:
            out.append("<div></div>")

    source = Source()
    statics = Statics(["<p>", "</p>"])
    assert shareable(Rendered(statics, ["x"]))
    assert not shareable(Rendered(statics, [ComponentRef(1, source)]))
    rows = Comprehension(Statics(["<li>", "</li>"]), ["a"], [["a"]], stream=["s", [], []])
    assert not shareable(Rendered(statics, [rows]))
    plain = Comprehension(Statics(["<li>", "</li>"]), ["a"], [["a"]])
    assert shareable(Rendered(statics, [plain]))


def test_an_entry_unused_for_its_seconds_is_dropped_with_its_inputs(
    live: Live, monkeypatch: Any
) -> None:
    clock = [100.0]
    monkeypatch.setattr("tether.templates.memo.time.monotonic", lambda: clock[0])
    memo = SharedRenders(1000, seconds=2.0)
    old_list = [message(1)]
    Page(live, memo, "{% if x %}<b>{{ x|length }}</b>{% endif %}", x=old_list).render()
    clock[0] += 2.5
    Page(live, memo, "{% if x %}<b>{{ x|length }}</b>{% endif %}", x=[message(2)]).render()
    assert len(memo) == 2
    clock[0] += 2.1  # the first is over 4 s unused, the second 2.1 s
    assert memo.get(("nothing",)) is None and len(memo) == 1
    clock[0] += 4.0
    assert memo.get(("nothing",)) is None and len(memo) == 0


def test_rows_holding_state_between_them_are_never_shared(live: Live) -> None:
    memo = SharedRenders(1000)
    source = (
        "{% for m in messages %}{% if m.id %}<i class=\"{% cycle 'odd' 'even' %}\">"
        "{{ m.body }}</i>{% endif %}{% endfor %}"
    )
    same = message(1)
    history = [same, same, same]  # one input, three rows: only the cycle tells them apart
    for _ in range(2):
        Page(live, memo, source, messages=history).render()  # each checked against Django
    stateful = "{% for m in messages %}{% ifchanged m.author %}<h2>{{ m.author }}</h2>"
    stateful += "{% endifchanged %}{% with b=m.body %}<p>{{ b }}</p>{% endwith %}{% endfor %}"
    for _ in range(2):
        Page(live, memo, stateful, messages=[same, same, message(3, "bob"), same]).render()


ROWS = (
    '<ul id="s" phx-update="stream">{% for dom_id, m in streams.todos %}'
    '<li id="{{ dom_id }}" class="msg{% if m.author == me %} mine{% endif %}">'
    "<b>{{ m.author|upper }}</b> {{ m.text }} #{{ forloop.counter }}</li>{% endfor %}</ul>"
)
PLAIN_ROWS = (  # nothing in a row that another view could render for it
    '<ul id="s" phx-update="stream">{% for dom_id, m in streams.todos %}'
    '<li id="{{ dom_id }}">{% if m.author == me %}mine{% endif %}{{ m.text }}</li>'
    "{% endfor %}</ul>"
)


def _insert_rows(
    live: Live, memo: SharedRenders, me: str, items: list[dict[str, Any]], source: str = ROWS
) -> tuple[str, Any]:
    """A view named ``me`` joins, then inserts ``items``: the insert's wire and its rows."""
    template = compile(_template(live, source))
    view = StreamView()
    view.me = me
    view.stream("todos", [])
    tree = template.render(Context({**view.get_assigns(), **view.stream_context()}), None, None)
    view.pop_changed()
    view.streams_sent()
    for item in items:
        view.stream_insert("todos", item)
    data = {**view.get_assigns(), **view.stream_context()}
    with sharing(memo, ("en", "UTC"), view.pop_mutated()):
        new = template.render(Context(data), tree, view.pop_changed())
    wire = dumps(diff(tree, new))
    rows = list(new.dynamics[0].rows)  # read before the release forgets them
    view.streams_sent()
    return wire, rows


def test_views_inserting_one_item_share_its_row_but_not_what_they_read_themselves(
    live: Live,
) -> None:
    memo = SharedRenders(1000)
    item = {"id": 7, "author": "ada", "text": "hello"}
    bob_wire, bob_rows = _insert_rows(live, memo, "bob", [item])
    cy_wire, cy_rows = _insert_rows(live, memo, "cy", [item])
    ada_wire, ada_rows = _insert_rows(live, memo, "ada", [item])
    assert bob_rows[0] is cy_rows[0]  # one row for everyone it reads the same for
    assert bob_wire == cy_wire and "mine" not in bob_wire and '"hello"' in bob_wire
    assert ada_rows[0] is not bob_rows[0] and "mine" in ada_wire  # the author's own
    assert ada_rows[0][2] is bob_rows[0][2] == "ADA"  # the item's own slots, shared
    assert memo.hits >= 2


def test_rows_of_plain_variables_are_rendered_by_each_view(live: Live) -> None:
    # Finding a shared row costs about what rendering {{ m.text }} does.
    memo = SharedRenders(1000)
    item = {"id": 7, "author": "ada", "text": "hello"}
    for me in ("bob", "cy", "ada"):
        wire, _rows = _insert_rows(live, memo, me, [item], PLAIN_ROWS)
        assert '"hello"' in wire and ("mine" in wire) == (me == "ada")
    assert memo.hits == 0  # no row was taken from another view


def test_a_shared_row_renders_its_position_for_each_view(live: Live) -> None:
    memo = SharedRenders(1000)
    first, second = {"id": 1, "author": "a", "text": "one"}, {"id": 2, "author": "b", "text": "two"}
    both = json.loads(_insert_rows(live, memo, "x", [first, second])[0])["0"]["k"]
    alone = json.loads(_insert_rows(live, memo, "x", [second])[0])["0"]["k"]
    assert (both["1"]["3"], both["1"]["4"]) == ("two", "2")  # second of two
    assert (alone["0"]["3"], alone["0"]["4"]) == ("two", "1")  # first of one


def test_an_item_changed_in_place_after_its_row_was_shared_renders_afresh(live: Live) -> None:
    memo = SharedRenders(1000)
    item = {"id": 3, "author": "ada", "text": "draft"}
    before, _rows = _insert_rows(live, memo, "bob", [item])
    item["text"] = "final"
    after, _rows = _insert_rows(live, memo, "bob", [item])
    assert '"draft"' in before and '"final"' in after and '"draft"' not in after
