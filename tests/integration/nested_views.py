"""Live views for tests/integration/test_nested_pages.py: nesting two deep, guarded children."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path

from tether import LiveView, event

_T = "itest/nested/"


class Leaf(LiveView):
    template_name = _T + "leaf.html"

    async def mount(self, request: HttpRequest, **session: Any) -> None:
        self.clicks = 0

    @event
    async def poke(self) -> None:
        self.clicks += 1
        if self.parent_view is not None:
            self.parent_view.send(("poked", self.clicks))

    @event
    def poke_from_a_thread(self) -> None:
        # A plain def handler runs in a worker thread; its message still arrives.
        self.clicks += 1
        if self.parent_view is not None:
            self.parent_view.send(("poked", self.clicks))


class Middle(LiveView):
    template_name = _T + "middle.html"

    async def mount(self, request: HttpRequest, **session: Any) -> None:
        self.poked = 0
        self.label = session.get("label", "")

    async def handle_info(self, message: Any) -> None:
        if isinstance(message, tuple) and message[0] == "poked":
            self.poked = message[1]


class Guarded(LiveView):
    template_name = _T + "leaf.html"
    login_required = True

    async def mount(self, request: HttpRequest, **session: Any) -> None:
        self.clicks = 0


class Host(LiveView):
    template_name = _T + "host.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.middle = Middle  # a class in the context names the view as well as a path does
        self.middle_id = "middle"
        self.middle_session = {"label": "one"}
        self.count = 0

    @event
    async def inc(self) -> None:
        self.count += 1

    @event
    async def swap(self) -> None:
        self.middle_id = "middle-2"

    @event
    async def boom(self) -> None:
        raise RuntimeError("the host crashed (on purpose)")


class Twins(LiveView):
    """Two children with one id: a mistake the dead render names."""

    template_name = _T + "twins.html"


urlpatterns = [path("nested-host/", Host.as_view()), path("nested-twins/", Twins.as_view())]
