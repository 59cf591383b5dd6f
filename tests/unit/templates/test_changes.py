"""Change tracking: only what reads a changed name is evaluated and sent."""

from __future__ import annotations

from typing import Any

from tether.templates import compile, diff, dumps

TABLE = (
    '<table>{% for row in rows %}<tr id="r{{ row.id }}"><td>{{ row.name }}</td>'
    "<td>{{ row.price|floatformat:2 }}</td><td>{{ row.qty }}</td></tr>{% endfor %}</table>"
)


def make_rows(n: int = 200) -> list[dict[str, Any]]:
    return [{"id": i, "name": f"item {i}", "price": i * 1.5, "qty": i % 7} for i in range(n)]


def test_counter_sends_only_the_changed_slot(live: Any) -> None:
    source = "<div><h1>{{ title }}</h1><p>Count: {{ count }}</p></div>"
    steps = [({"title": "T", "count": 5}, None), ({"title": "T", "count": 6}, {"count"})]
    (_r1, _w1), (_r2, wire) = live.run(source, steps)
    assert wire == {"1": "6"}


def test_nothing_changed_sends_nothing(live: Any) -> None:
    steps = [({"a": 1}, None), ({"a": 1}, set()), ({"a": 1}, {"a"})]
    results = live.run("<b>{{ a }}</b>", steps)
    assert results[1][0] is results[0][0]
    assert results[1][1] == {} and results[2][1] == {}


def test_one_cell_of_200_rows_is_a_small_diff(live: Any) -> None:
    rows = make_rows()
    changed = list(rows)
    changed[150] = {**rows[150], "qty": 99}
    (_r1, first), (_r2, wire) = live.run(
        TABLE, [({"rows": rows}, None), ({"rows": changed}, {"rows"})]
    )
    assert wire == {"0": {"k": {"150": {"3": "99"}, "kc": 200}}}
    assert len(dumps(wire)) < 200
    assert len(dumps(first)) > 10_000


def test_row_changed_in_place_is_detected(live: Any) -> None:
    rows = make_rows(5)
    template = live.template(TABLE)
    lt = compile(template)
    r1 = lt.render(live.context({"rows": rows}))
    rows[2]["name"] = "renamed"
    r2 = lt.render(live.context({"rows": rows}), previous=r1, changed={"rows"})
    assert r2.to_html() == template.render(live.context({"rows": rows}))
    assert diff(r1, r2) == {"0": {"k": {"2": {"1": "renamed"}, "kc": 5}}}


def test_reordering_rows_sends_indices_not_rows(live: Any) -> None:
    rows = make_rows(5)
    reordered = [rows[4], rows[0], rows[1], rows[2], rows[3]]
    (_r1, _w1), (_r2, wire) = live.run(
        TABLE, [({"rows": rows}, None), ({"rows": reordered}, {"rows"})]
    )
    assert wire == {"0": {"k": {"0": 4, "1": 0, "2": 1, "3": 2, "4": 3, "kc": 5, "km": True}}}


def test_insert_delete_and_move_with_changes(live: Any) -> None:
    rows = make_rows(6)
    steps: list[tuple[dict[str, Any], Any]] = [({"rows": rows}, None)]
    after = [
        rows[5],
        {**rows[0], "name": "first"},
        {"id": 100, "name": "new", "price": 1, "qty": 1},
        rows[3],
    ]
    steps.append(({"rows": after}, {"rows"}))
    steps.append(({"rows": []}, {"rows"}))
    steps.append(({"rows": rows[:2]}, {"rows"}))
    results = live.run(TABLE, steps)
    wire = results[1][1]["0"]["k"]
    assert wire["0"] == 5 and wire["1"] == [0, {"1": "first"}] and wire["km"] is True
    assert wire["2"]["1"] == "new" and "3" not in wire and wire["kc"] == 4
    assert results[2][1] == {"0": {"k": {"kc": 0}}}


def test_forloop_counters_follow_moves(live: Any) -> None:
    source = "{% for x in xs %}<i>{{ forloop.counter }}:{{ x.id }}</i>{% endfor %}"
    xs = [{"id": i} for i in range(4)]
    live.run(source, [({"xs": xs}, None), ({"xs": xs[::-1]}, {"xs"}), ({"xs": xs[1:]}, {"xs"})])


def test_if_with_unchanged_branch_sends_nothing(live: Any) -> None:
    source = "<div>{% if count > 0 %}<b>positive</b>{% else %}<i>not</i>{% endif %}</div>"
    steps = [({"count": 1}, None), ({"count": 2}, {"count"}), ({"count": 0}, {"count"})]
    results = live.run(source, steps)
    assert results[1][1] == {}
    assert results[2][1] == {"0": {"s": 0, "r": 1}, "p": {"0": ["<i>not</i>"]}}


def test_branch_statics_not_resent_when_only_values_change(live: Any) -> None:
    source = "{% if user %}<b>{{ user }}</b>{% endif %}"
    results = live.run(source, [({"user": "a"}, None), ({"user": "b"}, {"user"})])
    assert results[1][1] == {"0": {"0": "b"}}


def test_unchanged_names_are_not_evaluated(live: Any) -> None:
    calls: list[str] = []

    class Expensive:
        @property
        def total(self) -> int:
            calls.append("total")
            return 42

        def compute(self) -> int:
            calls.append("compute")
            return 7

    source = (
        "{{ order.total }} {{ count }} {% with c=order.compute %}{{ c }}{{ count }}{% endwith %}"
        "{% if order.total %}{{ count }}{% endif %}"
        "{% for r in rows %}{{ order.compute }}{{ r }}{% endfor %}"
    )
    order = Expensive()
    template = live.template(source)
    lt = compile(template)
    r1 = lt.render(live.context({"order": order, "count": 1, "rows": [1, 2]}))
    assert calls
    calls.clear()
    r2 = lt.render(
        live.context({"order": order, "count": 2, "rows": [1, 2]}), previous=r1, changed={"count"}
    )
    assert calls == []
    assert r2.to_html() == template.render(
        live.context({"order": order, "count": 2, "rows": [1, 2]})
    )


def test_with_and_loop_shadowing(live: Any) -> None:
    source = "{{ x }}{% with x=y %}[{{ x }}]{% endwith %}{% for x in xs %}({{ x }}){% endfor %}"
    steps = [
        ({"x": 1, "y": 2, "xs": [3]}, None),
        ({"x": 9, "y": 2, "xs": [3]}, {"x"}),
        ({"x": 9, "y": 5, "xs": [3]}, {"y"}),
        ({"x": 9, "y": 5, "xs": [4, 3]}, {"xs"}),
    ]
    results = live.run(source, steps)
    assert results[1][1] == {"0": "9"}


def test_include_and_blocks_track_changes(live: Any) -> None:
    data = {"user": "u", "year": 2024, "section": "S", "page": "P", "paras": ["a", "b"]}
    steps = [
        (data, None),
        ({**data, "year": 2025}, {"year"}),
        ({**data, "year": 2025, "page": "Q"}, {"page"}),
        ({**data, "year": 2025, "page": "Q", "paras": ["b"]}, {"paras"}),
    ]
    results = live.run(live.get("page.html"), steps)
    assert "2025" in dumps(results[1][1]) and "item" not in dumps(results[1][1])
    assert len(dumps(results[1][1])) < 60


def test_opaque_tag_depends_on_everything_unless_declared(live: Any) -> None:
    source = "{% load corpus %}<p>{% shout %}</p><p>{% greet %}</p><p>{{ other }}</p>"
    steps = [
        ({"who": "a", "other": 1}, None),
        ({"who": "b", "other": 2}, {"other"}),  # shout re-runs on any change; greet does not
        ({"who": "c", "other": 1}, {"who"}),
    ]
    results = live.run(source, [steps[0], steps[2]])
    assert results[1][1] == {"0": "C", "1": "hello c"}
    template = live.template(source)
    lt = compile(template)
    r1 = lt.render(live.context(steps[0][0]))
    r2 = lt.render(live.context(steps[1][0]), previous=r1, changed=steps[1][1])
    assert diff(r1, r2) == {"0": "B", "2": "2"}


def test_explicit_key_tracks_rows_without_ids(live: Any) -> None:
    source = (
        "{% load tether_live %}"
        "{% for x in xs %}{% live_key x.slug %}<i>{{ x.slug }}</i>{% endfor %}"
    )
    xs = [{"slug": s} for s in "abc"]
    results = live.run(source, [({"xs": xs}, None), ({"xs": [xs[2], xs[0], xs[1]]}, {"xs"})])
    assert results[1][1] == {"0": {"k": {"0": 2, "1": 0, "2": 1, "kc": 3, "km": True}}}


def test_rows_without_keys_are_tracked_by_position(live: Any) -> None:
    source = "{% for x in xs %}<i>{{ x }}</i>{% endfor %}"
    results = live.run(source, [({"xs": ["a", "b"]}, None), ({"xs": ["b", "a"]}, {"xs"})])
    assert results[1][1] == {"0": {"k": {"0": {"0": "b"}, "1": {"0": "a"}, "kc": 2}}}


def test_unpacking_loops_key_by_first_value(live: Any) -> None:
    source = "{% for k, v in pairs %}<i>{{ k }}={{ v }}</i>{% endfor %}"
    steps = [({"pairs": [("a", 1), ("b", 2)]}, None), ({"pairs": [("b", 2), ("a", 3)]}, {"pairs"})]
    results = live.run(source, steps)
    assert results[1][1] == {"0": {"k": {"0": 1, "1": [0, {"1": "3"}], "kc": 2, "km": True}}}


def test_duplicate_keys_fall_back_to_positions(live: Any) -> None:
    source = "{% for x in xs %}<i>{{ x.id }}{{ x.n }}</i>{% endfor %}"
    xs = [{"id": 1, "n": "a"}, {"id": 1, "n": "b"}]
    live.run(source, [({"xs": xs}, None), ({"xs": xs[::-1]}, {"xs"})])


def test_names_set_by_tags_are_tracked(live: Any) -> None:
    source = (
        "{% firstof a b as first %}{% widthratio n 10 100 as w %}"
        "<p>{{ first }}</p><p>{{ w }}</p><p>{{ other }}</p>"
    )
    base = {"a": "", "b": "B", "n": 5, "other": 1}
    steps = [
        (base, None),
        ({**base, "other": 2}, {"other"}),
        ({**base, "other": 2, "a": "A"}, {"a"}),
        ({**base, "other": 2, "a": "A", "n": 7}, {"n"}),
    ]
    results = live.run(source, steps)
    assert results[1][1] == {"4": "2"}
    assert results[2][1] == {"2": "A"}


def test_update_diff_never_has_a_top_level_r(live: Any) -> None:
    first = compile(live.template("<b>{{ a }}</b>")).render(live.context({"a": 1}))
    second = compile(live.template("<i>{{ a }}</i>")).render(live.context({"a": 1}))
    assert diff(None, first)["r"] == 1
    assert "r" not in diff(first, second) and "s" in diff(first, second)
