"""``{% if %}`` conditions, compiled to closures, choose the branch Django chooses."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Engine

from tether.templates import compile


class _Box:
    size = 3
    items = ("a", "b")

    def empty(self) -> bool:
        return False


DATA: dict[str, Any] = {
    "m": {"author": "ada", "n": 2, "tags": ["x"], "call": lambda: True, "none": None},
    "me": "ada",
    "you": "bob",
    "zero": 0,
    "five": 5,
    "word": "a",
    "box": _Box(),
    "empty": [],
}

CONDITIONS = [
    "m.author == me",
    "m.author == you",
    "m.author != you",
    "not m.author",
    "not missing",
    "missing",
    "missing.deeper == None",
    "m.none is None",
    "m.none is not None",
    "m.n > 1 and m.n < 3",
    "m.n >= 3 or m.author == me",
    "zero or five",
    "zero and five",
    "'x' in m.tags",
    "'y' not in m.tags",
    "word in five",  # TypeError: False, as Django says
    "me or word in five",  # the error stays inside its own operator
    "word < five",  # TypeError again
    "m.call",  # a callable: Django calls it
    "box.size == 3",
    "box.empty",
    "'b' in box.items",
    "empty|length == 0",
    "m.tags|length > 0 and not empty",
    "m.n == 2 == 2",
]


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("invalid", ["", "INVALID"])
def test_a_condition_takes_the_branch_django_takes(condition: str, invalid: str) -> None:
    source = f"{{% if {condition} %}}yes{{% elif five %}}elif{{% else %}}no{{% endif %}}"
    template = Engine(string_if_invalid=invalid).from_string(source)
    django = template.render(Context(DATA))
    assert compile(template).render(Context(DATA)).to_html() == django
