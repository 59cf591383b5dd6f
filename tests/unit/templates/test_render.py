"""A full live render gives exactly Django's HTML, and the wire form rebuilds it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.safestring import mark_safe

from tether.templates import compile, diff

CASES: list[tuple[str, dict[str, Any]]] = [
    ("plain text only", {}),
    ("", {}),
    ("{{ a }}", {"a": "<b>&'\""}),
    ("{{ a }}{{ b }}", {"a": 1, "b": 2.5}),
    ("<p>{{ a|upper }} {{ a|default:b }}</p>", {"a": "", "b": "<i>"}),
    ("{{ a|safe }} {{ s }} {{ s|escape }}", {"a": "<b>", "s": mark_safe("<i>x</i>")}),
    ("{{ missing }}|{{ missing.attr|default:'d' }}", {}),
    (
        "{{ d.k }} {{ l.1 }} {{ o.name }}",
        {"d": {"k": "v"}, "l": [1, 2], "o": type("O", (), {"name": "on"})()},
    ),
    ("{% if a %}A{% elif b %}B{% else %}C{% endif %}", {"a": 0, "b": 1}),
    ("{% if a and not b or c in d %}yes{% endif %}", {"a": 1, "b": 0, "c": 1, "d": [1]}),
    ("{% if a > 2 %}big{% endif %}{% if missing.x %}m{% endif %}", {"a": 3}),
    ("{% for x in xs %}{{ x }},{% endfor %}", {"xs": [1, 2, 3]}),
    (
        "{% for x in xs reversed %}{{ forloop.counter }}{{ forloop.revcounter0 }}"
        "{{ forloop.first }}{{ forloop.last }}{% endfor %}",
        {"xs": "abc"},
    ),
    ("{% for k, v in d.items %}{{ k }}={{ v }};{% endfor %}", {"d": {"a": 1, "b": 2}}),
    ("{% for x in xs %}{{ x }}{% empty %}empty {{ e }}{% endfor %}", {"xs": [], "e": "E"}),
    ("{% for x in xs %}{{ x }}{% endfor %}", {}),
    (
        "{% for a in outer %}{% for b in a %}{{ forloop.parentloop.counter }}."
        "{{ forloop.counter }}:{{ b }} {% endfor %}{% endfor %}",
        {"outer": [[1, 2], [3]]},
    ),
    (
        "{% with a=b.c d=e %}{{ a }}{{ d }}{% endwith %}{{ a }}",
        {"b": {"c": 1}, "e": 2, "a": "outer"},
    ),
    ("{% with b.c as a %}{{ a }}{% endwith %}", {"b": {"c": 1}}),
    (
        "{% autoescape off %}{{ a }}{% autoescape on %}{{ a }}{% endautoescape %}"
        "{% endautoescape %}",
        {"a": "<x>"},
    ),
    ('{% include "inc/item.html" %}', {"name": "<n>"}),
    ('{% include "inc/item.html" with name="lit" only %}', {"name": "<n>"}),
    ("{% include tpl %}", {"tpl": "inc/item.html", "name": "dyn"}),
    ('{% include "inc/card.html" with title=t body=b %}', {"t": "T", "b": "B"}),
    ('{% include "list.html" %}', {"items": [{"name": "a"}, {"name": "b"}]}),
    ('{% include "list.html" %}', {"items": []}),
]


@pytest.mark.parametrize(("source", "data"), CASES)
def test_full_render_matches_django(live: Any, source: str, data: dict[str, Any]) -> None:
    live.check(source, data)
    live.check(source, data, autoescape=False)


@pytest.mark.parametrize("name", ["base.html", "section.html", "page.html"])
def test_extends_three_levels(live: Any, name: str) -> None:
    data = {"user": "<u>", "year": 2024, "section": "S", "page": "P", "paras": ["a", "b"]}
    html = live.check(live.get(name), data)
    assert "ignored text" not in html


def test_dynamic_extends(live: Any) -> None:
    for parent in ("base.html", "section.html"):
        live.check(live.get("page_dynamic.html"), {"parent": parent, "x": 1, "section": "s"})


def test_compile_is_cached(live: Any) -> None:
    template = live.template("{{ a }}")
    assert compile(template) is compile(template)


def test_backend_wrapper_accepted() -> None:
    from django.template.backends.django import DjangoTemplates

    backend = DjangoTemplates({"NAME": "t", "DIRS": [], "APP_DIRS": False, "OPTIONS": {}})
    wrapper = backend.from_string("<b>{{ a }}</b>")
    assert compile(wrapper) is compile(wrapper.template)


def test_string_if_invalid() -> None:
    from tests.unit.templates.conftest import Live, make_engine

    live = Live(make_engine(string_if_invalid="INVALID(%s)"))
    live.check("{{ nope }} {{ a.b.c }} {% if nope %}x{% endif %}{{ a.x|default:'d' }}", {"a": {}})


def test_full_wire_form(live: Any) -> None:
    template = live.template("<p>Count: {{ count }}</p>")
    wire = diff(None, compile(template).render(live.context({"count": 5})))
    assert wire == {"0": "5", "s": 0, "r": 1, "p": {"0": ["<p>Count: ", "</p>"]}}


def test_statics_shared_in_one_message(live: Any) -> None:
    template = live.template("{% for x in xs %}{% if x %}<b>{{ x }}</b>{% endif %}{% endfor %}")
    wire = diff(None, compile(template).render(live.context({"xs": [1, 2, 3]})))
    assert len(wire["p"]) == 3
    rows = wire["0"]["k"]
    assert rows["0"]["0"]["s"] == rows["1"]["0"]["s"] == rows["2"]["0"]["s"]
