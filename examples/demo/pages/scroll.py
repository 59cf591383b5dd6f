"""Infinite scroll over 100,000 rows: a stream paged by the viewport, bounded by ``limit``.

The table shows a window of at most ``WINDOW`` pages. Scrolling to the last
row sends ``next-page`` (``phx-viewport-bottom``): the next page is appended
with ``limit=-WINDOW * PER_PAGE``, so the client drops as many rows from the
top. Scrolling back to the first row sends ``prev-page`` (``phx-viewport-top``)
and the page above is prepended with a positive limit, which drops rows at the
bottom. The view holds two page numbers; the rows live in the browser only.

``ROWS`` is generated, but it is sliced exactly as a queryset would be
(``Row.objects.order_by("id")[start:stop]``): swap one in and nothing else
changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from django.http import HttpRequest

from tether import LiveView, event

PER_PAGE = 50
WINDOW = 3  # pages the browser holds at most
CITIES = ("Lisbon", "Oslo", "Quito", "Accra", "Hanoi", "Perth", "Lima", "Riga")


class GeneratedRows(Sequence[dict[str, Any]]):
    """``count`` rows made up from their index, sliced like a queryset."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._row(n) for n in range(*index.indices(self.count))]
        if not 0 <= index < self.count:
            raise IndexError(index)
        return self._row(index)

    @staticmethod
    def _row(n: int) -> dict[str, Any]:
        return {"id": n + 1, "city": CITIES[n % len(CITIES)], "score": (n * 7919) % 1000}


ROWS = GeneratedRows(100_000)
LAST_PAGE = (len(ROWS) + PER_PAGE - 1) // PER_PAGE


class Scroll(LiveView):
    template_name = "pages/scroll.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Infinite scroll"
        self.total = len(ROWS)
        self.top = self.bottom = 1
        self.stream("rows", _page(1))

    async def on_thaw(self) -> None:
        # Streams are not frozen: the browser still shows pages top..bottom, so
        # send them again in one reset (same ids, same order, nothing doubled).
        self._window(self.top, self.bottom)

    def _window(self, top: int, bottom: int) -> None:
        self.top, self.bottom = top, bottom
        rows = [row for page in range(top, bottom + 1) for row in _page(page)]
        self.stream("rows", rows, reset=True)

    @event("next-page")
    async def next_page(self) -> None:
        if self.bottom >= LAST_PAGE:
            return
        self.bottom += 1
        self.top = max(self.top, self.bottom - WINDOW + 1)
        self.stream("rows", _page(self.bottom), at=-1, limit=-WINDOW * PER_PAGE)

    @event("prev-page")
    async def prev_page(self, params: dict[str, Any]) -> None:
        if self.top <= 1:
            return
        if params.get("_overran"):
            # The first row flew past the top of the viewport: rather than page
            # up one page at a time, show the first pages again in one reset.
            self._window(1, min(WINDOW, LAST_PAGE))
            return
        self.top -= 1
        self.bottom = min(self.bottom, self.top + WINDOW - 1)
        # One by one at 0, so the page goes in reversed to read in order.
        self.stream("rows", _page(self.top)[::-1], at=0, limit=WINDOW * PER_PAGE)


def _page(page: int) -> list[dict[str, Any]]:
    start = (page - 1) * PER_PAGE
    return list(ROWS[start : start + PER_PAGE])
