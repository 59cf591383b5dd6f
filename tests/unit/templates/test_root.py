"""``"r": 1`` only on trees whose HTML is provably exactly one element."""

from __future__ import annotations

from typing import Any

import pytest

from tether.templates import compile
from tether.templates.shape import analyze


def root_flags(live: Any, source: str, data: dict[str, Any]) -> tuple[bool, list[bool]]:
    """The root tree's flag and the flags of its nested trees, in order."""
    live.check(source, data)
    rendered = compile(live.template(source)).render(live.context(data))
    nested = [d.root for d in rendered.dynamics if hasattr(d, "root")]
    return rendered.root, nested


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("<div>{{ x }}</div>", {"x": "<&>"}, True),
        ('\n  <div id="a">x</div>\n', {}, True),
        ('<div class="{{ c }}" {% if h %}hidden{% endif %}>x</div>', {"c": "a b", "h": 1}, True),
        ('<input value="{{ v }}">', {"v": '"quoted"'}, True),
        ("<div>{{ h|safe }}</div>", {"h": "<p>ok</p>"}, True),
        ("<div>{{ h|safe }}</div>", {"h": "</div><div>"}, False),
        ("<div>{{ h|safe }}</div>", {"h": "<p>open"}, False),
        ('<div class="{{ c|safe }}">x</div>', {"c": '" onclick="x'}, False),
        ("<script>if (a < b) { x = '</p>' }</script>", {}, True),
        ("<ul>{% for x in xs %}<li>{{ x }}</li>{% endfor %}</ul>", {"xs": [1, 2]}, True),
        ("hello <b>x</b>", {}, False),
        ("<b>x</b> tail", {}, False),
        ("{{ x }}", {"x": "text"}, False),
        ("<a></a><b></b>", {}, False),
        ("<!-- c --><div></div>", {}, False),
        ("<div/>", {}, False),
        ("<div>{% if a %}</div><div>{% endif %}</div>", {"a": 1}, False),
        ("{% if a %}<div>{% endif %}text{% if a %}</div>{% endif %}", {"a": 1}, False),
        ("<p>{{ x }}</p>{{ y }}", {"x": 1, "y": ""}, False),
        ("<div>{% for x in xs %}<p>{% endfor %}</div>", {"xs": [1]}, False),
        ("<{{ tag }}>x</{{ tag }}>", {"tag": "div"}, False),
        ("<div {{ attrs }}>x</div>", {"attrs": "a=1"}, True),
        ("<div{{ attrs }}>x</div>", {"attrs": " a"}, False),
    ],
)
def test_root_flag(live: Any, source: str, data: dict[str, Any], expected: bool) -> None:
    root, _nested = root_flags(live, source, data)
    assert root is expected


def test_branch_that_opens_a_tag_another_closes(live: Any) -> None:
    source = "{% if a %}<div>{% endif %}<p>x</p>{% if a %}</div>{% endif %}"
    root, nested = root_flags(live, source, {"a": 1})
    assert root is False and nested == [False, False]


def test_nested_branch_is_a_root(live: Any) -> None:
    root, nested = root_flags(live, "x {% if a %}<b>{{ a }}</b>{% endif %}", {"a": 1})
    assert root is False and nested == [True]


def test_flag_flip_resends_the_tree(live: Any) -> None:
    source = "{% if a %}<div>{{ h|safe }}</div>{% endif %}"
    steps = [({"a": 1, "h": "ok"}, None), ({"a": 1, "h": "</div><div>"}, {"h"})]
    results = live.run(source, steps)
    assert results[0][1]["0"]["r"] == 1
    second = results[1][1]["0"]
    assert "s" in second and "r" not in second


def test_shape_of_text_with_stray_angle_brackets() -> None:
    assert not analyze(["a > b"]).balanced
    assert analyze(["a &gt; b"]).balanced
    assert analyze(["<br><img src=x>"]).balanced
    assert analyze(["<div>", "</div>"]).needs == (analyze(["<div>", "</div>"]).needs[0],)
