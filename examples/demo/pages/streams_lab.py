"""Stream pages the conformance tests drive (tests/conformance/test_streams_spec.py...).

These pages keep no database, so their first rows are their source of truth:
after a thaw (a reconnect resumes the view; its streams were not frozen) each
sends its first rows again in one reset, as a Phoenix view remounting would.

Each page re-creates, as a Django live view, the situation one of Phoenix
LiveView's end-to-end stream scenarios checks: a users list updated, deleted
and reset; a list filtered, reordered and inserted into at an index; a
list capped by ``limit``; a stream reset by a live patch. They double as
small examples of the stream API.
"""

from __future__ import annotations

import itertools
from typing import Any

from django.http import HttpRequest, QueryDict

from tether import LiveView, event

_unique = itertools.count(1)


def _user(key: Any, name: str) -> dict[str, Any]:
    return {"id": key, "name": name}


def _bare(dom_id: str, prefix: str) -> str:
    return dom_id.removeprefix(prefix + "-")


class Users(LiveView):
    """Two streams side by side; rows carry an outer assign (``count``) in an attribute."""

    template_name = "pages/streams/users.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.count = 0
        self.empty_item = "empty_item" in request.GET
        await self.on_thaw()

    async def on_thaw(self) -> None:
        self.stream("users", [_user(1, "chris"), _user(2, "callan")], reset=True)
        self.stream("admins", [_user(1, "chris-admin"), _user(2, "callan-admin")], reset=True)

    @event
    async def update(self, params: dict[str, Any]) -> None:
        self.stream_insert("users", _user(_bare(params["id"], "users"), "updated"))

    @event
    async def delete(self, params: dict[str, Any]) -> None:
        self.stream_delete_by_dom_id("users", params["id"])

    @event
    async def move_to_first(self, params: dict[str, Any]) -> None:
        self.stream_delete_by_dom_id("users", params["id"])
        self.stream_insert("users", _user(_bare(params["id"], "users"), "updated"), at=0)

    @event("reset-users")
    async def reset_users(self) -> None:
        self.count += 1
        self.stream("users", [], reset=True)

    @event("reorder-users")
    async def reorder_users(self) -> None:
        self.count += 1
        people = [_user(3, "peter"), _user(1, "chris"), _user(4, "mona")]
        self.stream("users", people, reset=True)

    @event("append-users")
    async def append_users(self) -> None:
        self.stream("users", [_user(4, "foo"), _user(3, "last_user")], at=-1)


def _letters(names: str) -> list[dict[str, str]]:
    return [{"id": name.lower(), "name": name} for name in names]


def _fresh() -> dict[str, str]:
    n = next(_unique)
    return {"id": f"a{n}", "name": str(n)}


class ResetItems(LiveView):
    """Four letters filtered, reordered, reset, and inserted into at either end or an index."""

    template_name = "pages/streams/reset.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.use_phx_remove = "phx-remove" in request.GET
        await self.on_thaw()

    async def on_thaw(self) -> None:
        self.stream("items", _letters("ABCD"), reset=True)

    @event
    async def filter(self) -> None:
        self.stream("items", _letters("BCD"), reset=True)

    @event
    async def reorder(self) -> None:
        self.stream("items", _letters("BACD"), reset=True)

    @event
    async def reset(self) -> None:
        self.stream("items", _letters("ABCD"), reset=True)

    @event
    async def prepend(self) -> None:
        self.stream_insert("items", _fresh(), at=0)

    @event
    async def append(self) -> None:
        self.stream_insert("items", _fresh(), at=-1)

    @event("bulk-insert")
    async def bulk_insert(self) -> None:
        # One by one at index 1: reversed, so they read E, F, G.
        self.stream("items", _letters("GFE"), at=1)

    @event("insert-at-one")
    async def insert_at_one(self) -> None:
        self.stream_insert("items", _fresh(), at=1)

    @event("insert-existing")
    async def insert_existing(self, params: dict[str, Any]) -> None:
        self.stream_insert("items", {"id": "c", "name": "C"}, at=int(params["at"]))

    @event("delete-insert-existing")
    async def delete_insert_existing(self) -> None:
        self.stream_delete_by_dom_id("items", "items-c")
        self.stream_insert("items", {"id": "c", "name": "C"}, at=1)

    @event("new-update-only")
    async def new_update_only(self) -> None:
        self.stream_insert("items", {"id": "e", "name": "E"}, update_only=True)

    @event("existing-update-only")
    async def existing_update_only(self) -> None:
        item = {"id": "c", "name": f"C {next(_unique)}"}
        self.stream_insert("items", item, update_only=True)


class Limit(LiveView):
    """A stream capped on the client: ``limit`` and ``at`` set from a form."""

    template_name = "pages/streams/limit.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self._recreate(at=-1, limit=-5)

    async def on_thaw(self) -> None:
        self._recreate(at=self.at, limit=self.limit)

    def _recreate(self, *, at: int, limit: int) -> None:
        self.stream_configure("items", dom_id=lambda item: f"items-{item['id']}")
        self.at, self.limit, self.last_id = at, limit, 10
        items = [{"id": n} for n in range(1, 11)]
        self.stream("items", items, at=at, limit=limit, reset=True)

    @event
    async def edit(self, form: Any) -> None:
        """Typing in the form changes nothing until it is submitted."""

    @event
    async def configure(self, form: Any) -> None:
        self._recreate(at=int(form.get("at", -1)), limit=int(form.get("limit", -5)))

    @event
    async def insert_10(self) -> None:
        items = [{"id": self.last_id + n} for n in range(1, 11)]
        self.last_id += 10
        self.stream("items", items, at=self.at, limit=self.limit)

    @event
    async def insert_1(self) -> None:
        self.last_id += 1
        self.stream_insert("items", {"id": self.last_id}, at=self.at, limit=self.limit)

    @event
    async def clear(self) -> None:
        self.last_id = 0
        self.stream("items", [], reset=True)


HEALTHY = {
    "fruits": [_user(1, "Apples"), _user(2, "Oranges")],
    "veggies": [_user(3, "Carrots"), _user(4, "Tomatoes")],
}


class Healthy(LiveView):
    """A stream reset from ``handle_params``: a live patch swaps the category."""

    template_name = "pages/streams/healthy.html"

    async def mount(self, request: HttpRequest, category: str = "fruits", **kwargs: Any) -> None:
        self.category = category
        self.stream("items", [])

    async def handle_params(self, params: QueryDict, url: str) -> None:
        self.category = "veggies" if "/veggies/" in url else "fruits"
        self.other = "fruits" if self.category == "veggies" else "veggies"
        await self.on_thaw()

    async def on_thaw(self) -> None:
        self.stream("items", HEALTHY[self.category], reset=True)


class RemoveTransition(LiveView):
    """Rows leave with a ``phx-remove`` transition (Phoenix issue 3199)."""

    template_name = "pages/streams/remove_transition.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        await self.on_thaw()

    async def on_thaw(self) -> None:
        self.stream("items", [_user(1, "Item 1"), _user(2, "Item 2")], reset=True)

    @event
    async def delete(self, params: dict[str, Any]) -> None:
        self.stream_delete_by_dom_id("items", params["id"])


class Away(LiveView):
    """Where RemoveTransition navigates to."""

    template_name = "pages/streams/away.html"


class CustomElements(LiveView):
    """Rows holding custom elements, one inserted at index 1 (Phoenix issue 4212)."""

    template_name = "pages/streams/custom_elements.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.counter = 0
        await self.on_thaw()

    async def on_thaw(self) -> None:
        self.stream("items", _letters("ABC"), reset=True)

    @event
    async def insert_at_1(self) -> None:
        self.counter += 1
        self.stream_insert("items", {"id": f"new{self.counter}", "name": "New"}, at=1)


class Teleported(LiveView):
    """A stream inside a portal template, reset from outside it (Phoenix issue 4121)."""

    template_name = "pages/streams/teleported.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        await self.on_thaw()

    async def on_thaw(self) -> None:
        self.stream("items", [_user(1, "Item 1"), _user(2, "Item 2")], reset=True)

    @event("reset-stream")
    async def reset_stream(self) -> None:
        n = next(_unique)
        self.stream("items", [_user(n, f"Item {n}")], reset=True)
