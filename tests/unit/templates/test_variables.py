"""A lone variable renders exactly as Django renders it, plain strings and ints included.

Plain ``str`` and ``int`` values skip Django's localisation (it cannot change
them); these pin that the shortcut gives Django's output, and that it steps
aside when the project groups numbers."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest
from django.template import Context, Engine
from django.test import override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tether.templates import compile

VALUES: list[Any] = [
    0,
    -42,
    1234567,
    True,
    "plain",
    "<b>&'\"",
    mark_safe("<i>safe</i>"),
    gettext_lazy("Hello"),
    2.5,
    decimal.Decimal("1234.50"),
    datetime.date(2026, 11, 30),
    None,
    ["<x>", 1],
]


def _both(source: str, value: Any, autoescape: bool = True) -> tuple[str, str]:
    template = Engine().from_string(source)
    django = template.render(Context({"v": value}, autoescape=autoescape))
    live = compile(template).render(Context({"v": value}, autoescape=autoescape))
    return django, live.to_html()


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("autoescape", [True, False])
def test_a_variable_renders_what_django_renders(value: Any, autoescape: bool) -> None:
    django, live = _both("<p>{{ v }}</p>", value, autoescape)
    assert live == django


def test_numbers_keep_their_thousand_separators_when_the_project_asks_for_them() -> None:
    with override_settings(USE_THOUSAND_SEPARATOR=True, LANGUAGE_CODE="en-us"):
        django, live = _both("{{ v }}", 1234567)
        assert live == django == "1,234,567"
    django, live = _both("{{ v }}", 1234567)
    assert live == django == "1234567"


class _Author:
    name = "<ada>"

    def shout(self) -> str:
        return "HI"


class _KeyedObject(dict[str, Any]):
    """A dict subclass: Django's own walk, which may differ from a plain dict's."""


PATHS: list[tuple[str, dict[str, Any]]] = [
    ("{{ m.author }}", {"m": {"author": "<ada>"}}),
    ("{{ m.a.b.c }}", {"m": {"a": {"b": {"c": 7}}}}),
    ("{{ m.missing }}", {"m": {"author": "x"}}),
    ("{{ nothing.at.all }}", {}),
    ("{{ m.items }}", {"m": {"author": "x"}}),  # a dict's method, not a key: Django calls it
    ("{{ m.call }}", {"m": {"call": lambda: "called"}}),
    ("{{ m.0 }}", {"m": {"0": "key zero"}}),
    ("{{ m.0 }}", {"m": ["index zero"]}),
    ("{{ m.author.name }}", {"m": {"author": _Author()}}),
    ("{{ m.author.shout }}", {"m": {"author": _Author()}}),
    ("{{ m.author }}", {"m": _KeyedObject(author="sub")}),
    ("{{ forloop.counter }}", {"forloop": {"counter": 3}}),
]


@pytest.mark.parametrize(("source", "data"), PATHS, ids=[p[0] + repr(p[1]) for p in PATHS])
@pytest.mark.parametrize("invalid", ["", "INVALID"])
def test_a_dotted_path_resolves_as_django_resolves_it(
    source: str, data: dict[str, Any], invalid: str
) -> None:
    # A path through plain dicts skips Django's walk (slots.resolve_plain); every
    # other path, and every miss, must still end as Django's own.
    template = Engine(string_if_invalid=invalid).from_string(f"<p>{source}</p>")
    django = template.render(Context(data))
    assert compile(template).render(Context(data)).to_html() == django
