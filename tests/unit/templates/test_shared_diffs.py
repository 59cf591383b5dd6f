"""The diff of two loops many views hold alike is computed once, and right in every message."""

from __future__ import annotations

import json
from typing import Any

from django.template import Context
from tests.unit.templates.conftest import Live

from tether.templates import compile, diff, dumps
from tether.templates.memo import SharedRenders, sharing
from tether.testing.tree import ClientTree

SOURCE = (
    "{% if a %}<i>{{ a }}</i>{% endif %}"
    "<ul>{% for m in items %}<li>{% if m.x %}<b>{{ m.x }}</b>{% endif %}{{ m.id }}</li>"
    "{% endfor %}</ul>"
)


class Page:
    def __init__(self, template: Any, memo: SharedRenders, **data: Any) -> None:
        self.django = template
        self.live = compile(template)
        self.memo = memo
        self.data = data
        with sharing(memo, ("en", "UTC")):
            self.tree = self.live.render(Context(dict(data)))
        self.client = ClientTree(json.loads(dumps(diff(None, self.tree))))

    def update(self, **changes: Any) -> dict[str, Any]:
        self.data.update(changes)
        with sharing(self.memo, ("en", "UTC")):
            new = self.live.render(Context(dict(self.data)), self.tree, set(changes))
        wire = diff(self.tree, new)
        self.client.merge(json.loads(dumps(wire)))
        self.tree = new
        assert self.client.to_html() == self.django.render(Context(dict(self.data)))
        return wire


def test_views_holding_the_same_loops_share_one_diff_of_them(live: Live) -> None:
    template = live.template(SOURCE)
    memo = SharedRenders(100)
    items = [{"id": 1, "x": ""}]
    pages = [Page(template, memo, a="", items=items) for _ in range(3)]
    more = [*items, {"id": 2, "x": ""}]
    wires = [page.update(items=more) for page in pages]
    assert wires[0]["1"] is wires[1]["1"] is wires[2]["1"]
    assert dumps(wires[0]) == dumps(wires[2])


def test_a_shared_loop_diff_is_not_reused_where_its_statics_indexes_differ(live: Live) -> None:
    template = live.template(SOURCE)
    memo = SharedRenders(100)
    items = [{"id": 1, "x": ""}]
    quiet = Page(template, memo, a="", items=items)
    busy = Page(template, memo, a="", items=items)
    more = [*items, {"id": 2, "x": "new"}]  # a new row with a branch: statics in "p"
    first = quiet.update(items=more)
    second = busy.update(a="shown", items=more)  # "<i>" takes index 0 in this message
    assert first["p"] == {"0": ["<b>", "</b>"]}
    assert second["p"] == {"0": ["<i>", "</i>"], "1": ["<b>", "</b>"]}
