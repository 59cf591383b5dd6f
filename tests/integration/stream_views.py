"""Live views for the stream tests: a stream as big as the query string asks, and a todo list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path

from tether import LiveView, event


class BigStream(LiveView):
    """``?n=10000`` streams that many items at mount; ``add`` puts one more on top."""

    template_name = "itest/big_stream.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.title = "big"
        self.added = 0  # the assigns do not depend on n
        self.stream("todos", [_todo(n) for n in range(int(request.GET.get("n", "0")))])

    @event
    async def add(self) -> None:
        self.added += 1
        self.stream_insert("todos", _todo(f"new-{self.added}"), at=0)

    @event
    async def rename(self, params: dict[str, Any]) -> None:
        self.title = str(params["title"])


def _todo(n: int | str) -> dict[str, Any]:
    return {"id": n, "text": f"todo number {n}", "done": str(n).endswith("3")}


urlpatterns = [path("streams/big/", BigStream.as_view())]
