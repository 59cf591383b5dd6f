"""Live views and components for tests/integration/test_components.py."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest
from django.urls import path

from tether import LiveComponent, LiveView, event, send_update
from tether.component_set import live_components


class Counter(LiveComponent):
    template_name = "itest/components/counter.html"

    def mount(self) -> None:
        self.count = 0

    @event
    def inc(self) -> None:
        self.count += 1

    @event
    def tell(self) -> None:
        self.send_parent(("told", self.id, self.count))


class Row(LiveComponent):
    template_name = "itest/components/row.html"
    #: Every call of update_many, with how many components it got.
    batches: ClassVar[list[int]] = []

    @classmethod
    def update_many(cls, pairs: list[tuple[dict[str, Any], Row]]) -> None:
        cls.batches.append(len(pairs))
        labels = {n: f"row {n}" for n in (a["n"] for a, _c in pairs)}  # one "query" for all
        for assigns, component in pairs:
            component.n = assigns["n"]
            component.label = labels[assigns["n"]]


class Nest(LiveComponent):
    template_name = "itest/components/nest.html"

    def mount(self) -> None:
        self.open = False

    @event
    def toggle(self) -> None:
        self.open = not self.open


class Loader(LiveComponent):
    template_name = "itest/components/loader.html"

    def mount(self) -> None:
        self.assign_async("data", lambda: "loaded!")


class Page(LiveView):
    template_name = "itest/components/page.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.ids = ["a", "b"]
        self.rows = list(range(3))
        self.told = ""
        self.alive = 0
        self.nested = False
        self.loader = False

    @event
    def remove(self, params: dict[str, Any]) -> None:
        self.ids = [i for i in self.ids if i != params["id"]]

    @event
    def add(self, params: dict[str, Any]) -> None:
        self.ids = [*self.ids, params["id"]]

    @event
    def more_rows(self) -> None:
        self.rows = list(range(len(self.rows) + 2))

    @event
    def count(self) -> None:
        self.alive = len(live_components(self))

    @event
    def show_nested(self) -> None:
        self.nested = True

    @event
    def hide_nested(self) -> None:
        self.nested = False

    @event
    def show_loader(self) -> None:
        self.loader = True

    @event
    def bump(self, params: dict[str, Any]) -> None:
        send_update(self, Counter, params["id"], count=100)

    async def handle_info(self, message: Any) -> None:
        if isinstance(message, tuple) and message[0] == "told":
            self.told = f"{message[1]}={message[2]}"


class Duplicate(LiveView):
    template_name = "itest/components/duplicate.html"


urlpatterns = [
    path("components/page/", Page.as_view()),
    path("components/duplicate/", Duplicate.as_view()),
]
