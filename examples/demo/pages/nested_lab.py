"""Nested and sticky pages the conformance tests drive (tests/conformance/test_issue_*.py).

Each re-creates, as Django live views, the situation one of Phoenix LiveView's
end-to-end scenarios for nested and sticky views checks (issues 3047, 3496,
3612, 3656, 3658, 3681, 4359). The hook page 3496 needs is in ``lab/layout.html``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from django.http import HttpRequest
from django.urls import path

from tether import JS, LiveView, event

_LAB = "pages/nested/lab/"


def _items(first: int, last: int) -> list[dict[str, Any]]:
    return [{"id": n, "name": f"item-{n}"} for n in range(first, last + 1)]


class _Page(LiveView):
    layout = _LAB + "layout.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.params = dict(request.GET.items())


# -- 3047: a sticky view's stream survives live navigation -----------------------------


class StreamSticky(LiveView):
    template_name = _LAB + "3047_sticky.html"

    async def mount(self, request: HttpRequest, **session: Any) -> None:
        self.stream("items", _items(1, 10))

    @event
    async def reset(self) -> None:
        self.stream("items", _items(5, 15), reset=True)


class Page3047A(_Page):
    template_name = _LAB + "3047_a.html"


class Page3047B(_Page):
    template_name = _LAB + "3047_b.html"


# -- 3496: a hook's element id in a sticky view, then in the next page -------------------


class HookSticky(LiveView):
    template_name = _LAB + "3496_sticky.html"


class Page3496A(_Page):
    template_name = _LAB + "3496_a.html"


class Page3496B(_Page):
    template_name = _LAB + "3496_b.html"


# -- 3612: a sticky view navigates with push_navigate ------------------------------------


class NavigatingSticky(LiveView):
    template_name = _LAB + "3612_sticky.html"

    @event("navigate_to_a")
    async def to_a(self) -> None:
        self.push_navigate("/nested/lab/3612/a/")

    @event("navigate_to_b")
    async def to_b(self) -> None:
        self.push_navigate("/nested/lab/3612/b/")


class Page3612A(_Page):
    template_name = _LAB + "3612_a.html"


class Page3612B(_Page):
    template_name = _LAB + "3612_b.html"


# -- 3656 / 3658: links and phx-remove inside a sticky view -------------------------------


class LinkSticky(LiveView):
    template_name = _LAB + "3656_sticky.html"


class Page3656(_Page):
    template_name = _LAB + "3656.html"


class RemoveSticky(LiveView):
    template_name = _LAB + "3658_sticky.html"

    async def mount(self, request: HttpRequest, **session: Any) -> None:
        self.on_remove = JS().dispatch("my-event")


class Page3658(_Page):
    template_name = _LAB + "3658.html"


# -- 3681: a page's stream never resets the sticky view's stream of the same name ---------


class MessagesSticky(LiveView):
    template_name = _LAB + "3681_sticky.html"

    async def mount(self, request: HttpRequest, **session: Any) -> None:
        self.stream("messages", [{"id": n, "msg": n} for n in (1, 2, 3)])


class Page3681(_Page):
    template_name = _LAB + "3681.html"


class Page3681Away(_Page):
    template_name = _LAB + "3681_away.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        await super().mount(request, **kwargs)
        self.stream("messages", [])
        self.stream("messages", [{"id": 4, "msg": 4}], reset=True)


# -- 4359: the parent navigates away while its child is still joining ---------------------


class SlowChild(LiveView):
    template_name = _LAB + "4359_child.html"


class Page4359(_Page):
    template_name = _LAB + "4359.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        await super().mount(request, **kwargs)
        if self.connected and self.params.get("done") != "1":
            self.send("go")

    async def handle_info(self, message: Any) -> None:
        if message == "go":
            # The client is joining the child meanwhile; the parent is busy for a while.
            await asyncio.sleep(2.0)
            self.push_navigate("/nested/lab/4359/?done=1")


urlpatterns = [
    path("lab/3047/a/", Page3047A.as_view()),
    path("lab/3047/b/", Page3047B.as_view()),
    path("lab/3496/a/", Page3496A.as_view()),
    path("lab/3496/b/", Page3496B.as_view()),
    path("lab/3612/a/", Page3612A.as_view()),
    path("lab/3612/b/", Page3612B.as_view()),
    path("lab/3656/", Page3656.as_view()),
    path("lab/3658/", Page3658.as_view()),
    path("lab/3681/", Page3681.as_view()),
    path("lab/3681/away/", Page3681Away.as_view()),
    path("lab/4359/", Page4359.as_view()),
]
