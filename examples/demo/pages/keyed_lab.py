"""Keyed loops inside keyed loops, shuffled: Phoenix's keyed-comprehension scenario.

Two copies of one table, each a loop over rows and, in each row, a loop over
columns. The tabs key them three ways: rows and cells by id, rows only, and
nothing (positions). Every button reshuffles, resizes or edits the rows; the
order the server holds is also rendered as one plain string (``#order``), so a
test can check the table the client patched against it
(tests/conformance/test_keyed_comprehension_spec.py).
"""

from __future__ import annotations

import itertools
import json
import random
from typing import Any

from django.http import HttpRequest, QueryDict

from tether import LiveView, event

TABS = ("all_keyed", "rows_keyed", "no_keyed")
COLUMNS = [{"id": 1, "name": "Foo"}, {"id": 2, "name": "Count"}]
_unique = itertools.count(1)


def random_items(size: int, rng: random.Random) -> list[dict[str, Any]]:
    """``size`` rows with distinct ids drawn from twice as many, in random order."""
    ids = rng.sample(range(1, size * 2 + 1), size)
    return [{"id": i, "entry": {"other": "hey", "foo": {"bar": f"New{i + 1}"}}} for i in ids]


class KeyedComprehension(LiveView):
    template_name = "pages/tpl/keyed.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Keyed comprehension"
        self.rng = random.Random()
        self.size = 10
        self.count = 0
        self.tables = [1, 2]
        self.columns = COLUMNS
        self.column_names = [column["name"] for column in COLUMNS]
        self.active_tab = TABS[0]
        self._set_items(random_items(self.size, self.rng))

    async def handle_params(self, params: QueryDict, url: str) -> None:
        tab = params.get("tab")
        self.active_tab = tab if tab in TABS else TABS[0]

    def _set_items(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        # The same rows without their ids: a loop over these can only key by position.
        self.entries = [item["entry"] for item in items]
        self.order = json.dumps([item["entry"]["foo"]["bar"] for item in items])

    @event
    def randomize(self) -> None:
        self._set_items(random_items(self.size, self.rng))
        self.count += 1

    @event
    def change_size(self, payload: dict[str, Any]) -> None:
        raw = str(payload.get("size", "")).strip()
        self.size = min(int(raw), 200) if raw.isdigit() else 0
        self._set_items(random_items(self.size, self.rng))
        self.count += 1

    @event
    def change_0(self) -> None:
        """A new first row with a new id; the rest as they were."""
        new = 2000 + next(_unique)
        first = {"id": new, "entry": {"other": "hey", "foo": {"bar": f"First{new}"}}}
        self._set_items([first, *self.items[1:]])

    @event
    def change_other(self) -> None:
        """Every row's entry replaced by one that renders the same."""
        self._set_items(
            [
                {**item, "entry": {**item["entry"], "other": f"hey {next(_unique)}"}}
                for item in self.items
            ]
        )
