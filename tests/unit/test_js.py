"""tether.JS builds the commands the pinned client executes."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template

from tether import JS


def test_a_chain_encodes_as_the_clients_command_list() -> None:
    js = JS().push("save", value={"id": "3"}).hide(to="#modal")
    assert json.loads(str(js)) == [
        ["push", {"event": "save", "value": {"id": "3"}}],
        ["hide", {"time": 200, "to": "#modal"}],
    ]


def test_each_step_returns_a_new_value_and_leaves_the_first_alone() -> None:
    base = JS().show(to="#a")
    longer = base.add_class("on", to="#a")
    assert len(base.ops) == 1 and len(longer.ops) == 2
    assert base + JS().hide() == JS().show(to="#a").hide()


@pytest.mark.parametrize(
    ("transition", "encoded"),
    [
        ("fade-in", [["fade-in"], [], []]),
        (
            ("ease-out duration-300", "opacity-0", "opacity-100"),
            [["ease-out", "duration-300"], ["opacity-0"], ["opacity-100"]],
        ),
    ],
)
def test_transitions_take_one_class_string_or_three(transition: object, encoded: object) -> None:
    [[_, args]] = json.loads(str(JS().show(transition=transition)))  # type: ignore[arg-type]
    assert args["transition"] == encoded


def test_a_transition_of_two_parts_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="three"):
        JS().show(transition=("a", "b"))


def test_in_a_template_attribute_it_is_escaped_and_reads_back_the_same() -> None:
    js = JS().toggle(to='#help[data-x="1"]')
    html = Template('<button phx-click="{{ js }}">').render(Context({"js": js}))
    assert "&quot;" in html and '"#help' not in html
    from html import unescape

    assert json.loads(unescape(html.split('phx-click="')[1].rstrip('">'))) == json.loads(str(js))
