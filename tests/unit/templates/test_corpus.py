"""Every tag: Django's HTML, full and incremental, and the client's copy of it."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping
from typing import Any

import pytest
from django.utils.safestring import mark_safe
from tests.unit.templates.conftest import Live, make_engine


def steps(*datas: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], set[str] | None]]:
    """Renders of successive contexts, each saying which names differ from the last."""
    out: list[tuple[Mapping[str, Any], set[str] | None]] = [(datas[0], None)]
    for before, after in itertools.pairwise(datas):
        changed = {k for k in set(before) | set(after) if before.get(k) is not after.get(k)}
        out.append((after, changed))
    return out


ROWS = [
    {"id": 1, "name": "ann", "group": "a"},
    {"id": 2, "name": "bob", "group": "a"},
    {"id": 3, "name": "cid", "group": "b"},
    {"id": 4, "name": "dee", "group": "c"},
]


@pytest.fixture(autouse=True)
def _urls(settings: Any) -> None:
    settings.ROOT_URLCONF = "corpus_urls"


@pytest.fixture(params=["", "INVALID<%s>"], ids=["plain", "string_if_invalid"])
def engine_live(request: pytest.FixtureRequest) -> Live:
    return Live(make_engine(string_if_invalid=request.param))


def test_loops(engine_live: Live) -> None:
    base = {"rows": ROWS, "pairs": [(1, 2), ("a", "<b>")]}
    datas = [
        base,
        {**base, "rows": ROWS[::-1]},
        {**base, "rows": [*ROWS[:2], {**ROWS[2], "group": "a"}, ROWS[3]]},
        {**base, "rows": []},
        {**base, "rows": ROWS[1:], "pairs": [(3, 4)]},
    ]
    template = engine_live.get("corpus/loops.html")
    engine_live.run(template, steps(*datas))
    engine_live.run(template, steps(*datas), autoescape=False)


def test_misc_tags(engine_live: Live) -> None:
    when = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)
    base: dict[str, Any] = {
        "who": "<Ann & Bob>",
        "empty_str": "",
        "value": 7,
        "max": 10,
        "csrf_token": "tok123",
        "path": "img/x.png",
        "greeting": "Good day",
        "items": [1, 2],
        "big": 1234567.5,
        "when": when,
        "raw": mark_safe("<i>RAW</i>"),
    }
    datas = [
        base,
        {**base, "who": "Zed"},
        {**base, "value": 8},
        {**base, "items": [1], "raw": "<not safe>"},
        {**base, "csrf_token": "other", "when": when + datetime.timedelta(hours=5)},
    ]
    template = engine_live.get("corpus/misc.html")
    engine_live.run(template, steps(*datas))
    engine_live.run(template, steps(*datas), autoescape=False)


def test_includes(engine_live: Live) -> None:
    base: dict[str, Any] = {
        "title": "T",
        "body": "B",
        "who": "W",
        "raw": "<r>",
        "tpls": ["inc/item.html", "inc/card.html"],
        "depth": 3,
    }
    datas = [
        base,
        {**base, "who": "X"},
        {**base, "title": ""},
        {**base, "tpls": ["inc/card.html"], "depth": 1},
        {**base, "depth": 0, "body": None},
    ]
    engine_live.run(engine_live.get("corpus/includes.html"), steps(*datas))


def test_extends_with_changes(engine_live: Live) -> None:
    base: dict[str, Any] = {
        "user": "u",
        "year": 2024,
        "section": "S",
        "page": "P",
        "paras": ["a", "b"],
    }
    datas = [
        base,
        {**base, "section": "T"},
        {**base, "paras": ["c"], "page": "<Q>"},
        {**base, "user": mark_safe("<b>U</b>")},
    ]
    engine_live.run(engine_live.get("page.html"), steps(*datas))
    engine_live.run(engine_live.get("section.html"), steps(*datas))


def test_dynamic_extends_switches_parent(engine_live: Live) -> None:
    datas = [
        {"parent": "base.html", "x": 1, "section": "s", "year": 1},
        {"parent": "section.html", "x": 1, "section": "s", "year": 1},
        {"parent": "section.html", "x": 2, "section": "t", "year": 1},
    ]
    engine_live.run(engine_live.get("page_dynamic.html"), steps(*datas))
