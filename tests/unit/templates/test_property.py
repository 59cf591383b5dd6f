"""Generated templates and contexts: live renders and diffs always match Django."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import mark_safe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.templates.conftest import Live, make_engine

LIVE = Live(make_engine())
NAMES = ("a", "b", "c")

text = st.text(alphabet="ab <>&\"'\n", max_size=6).map(
    lambda s: s.replace("{", "").replace("%", "")
)
var = st.sampled_from(
    [
        "{{ a }}",
        "{{ b|upper }}",
        "{{ c|default:a }}",
        "{{ a|safe }}",
        "{{ b|length }}",
        "{{ missing }}",
        "{{ a|add:c }}",
    ]
)
loop_var = st.sampled_from(
    ["{{ x.name }}", "{{ x.id }}", "{{ forloop.counter }}", "{{ forloop.last }}", "{{ x }}"]
)
leaf = st.one_of(text, var, text.map(lambda t: f"<p>{t}</p>"))


def extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    body = st.lists(st.one_of(children, loop_var), max_size=3).map("".join)
    condition = st.sampled_from(["a", "not b", "c > 1", "a == b", "items", "x.id"])
    return st.one_of(
        st.lists(children, min_size=2, max_size=4).map("".join),
        st.tuples(condition, children, children).map(
            lambda t: f"{{% if {t[0]} %}}{t[1]}{{% else %}}{t[2]}{{% endif %}}"
        ),
        st.tuples(condition, children, condition, children).map(
            lambda t: f"{{% if {t[0]} %}}{t[1]}{{% elif {t[2]} %}}{t[3]}{{% endif %}}"
        ),
        st.tuples(body, children).map(
            lambda t: (
                f"<ul>{{% for x in items %}}<li>{t[0]}</li>{{% empty %}}{t[1]}{{% endfor %}}</ul>"
            )
        ),
        children.map(lambda c: f"{{% with a=b b=a %}}{c}{{% endwith %}}"),
        children.map(lambda c: f"{{% autoescape off %}}{c}{{% endautoescape %}}"),
        st.just('{% include "inc/item.html" with name=a %}'),
        children.map(lambda c: f'<div class="{{{{ a }}}}">{c}</div>'),
    )


templates = st.recursive(leaf, extend, max_leaves=12)

scalar = st.one_of(
    text,
    st.integers(-3, 3),
    st.none(),
    text.map(mark_safe),
)


@st.composite
def item_lists(draw: st.DrawFn) -> list[Any]:
    ids = draw(st.lists(st.integers(0, 8), unique=True, max_size=5))
    keyed = draw(st.booleans())
    return [{"id": i, "name": draw(text)} if keyed else {"name": draw(text)} for i in ids]


def context() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"a": scalar, "b": scalar, "c": scalar, "items": item_lists()})


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    source=templates,
    first=context(),
    updates=st.lists(
        st.tuples(context(), st.sets(st.sampled_from([*NAMES, "items", "shuffle"]))),
        max_size=3,
    ),
)
def test_generated_templates(
    source: str, first: dict[str, Any], updates: list[tuple[dict[str, Any], set[str]]]
) -> None:
    steps: list[tuple[dict[str, Any], set[str] | None]] = [(first, None)]
    current = first
    for fresh, names in updates:
        data = dict(current)
        changed = set()
        for name in names:
            if name == "shuffle":
                data["items"] = list(reversed(current["items"]))
                changed.add("items")
            else:
                data[name] = fresh[name]
                changed.add(name)
        steps.append((data, changed))
        current = data
    template = LIVE.template(source)
    try:
        template.render(LIVE.context(first))
    except (TypeError, ValueError):
        return  # Django itself fails (e.g. |add on mixed types)
    try:
        LIVE.run(template, steps)
    except (TypeError, ValueError) as error:
        # Only acceptable when Django fails on the same context.
        for data, _ in steps:
            try:
                template.render(LIVE.context(data))
            except type(error):
                return
        raise
