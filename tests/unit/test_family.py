"""A view's relatives: references that send to the views of the same connection."""

from __future__ import annotations

from typing import Any

from tether.family import Placement
from tether.view import LiveView


class Post:
    """Stands in for a connection's views: records what reaches which."""

    def __init__(self, live: set[str]) -> None:
        self.live = live
        self.delivered: list[tuple[str, Any]] = []

    def deliver_to(self, element_id: str, message: Any) -> bool:
        if element_id not in self.live:
            return False
        self.delivered.append((element_id, message))
        return True


def test_a_page_has_no_parent_and_a_child_names_its_own() -> None:
    page, child = LiveView(), LiveView()
    post = Post({"phx-1", "bell"})
    page.place(Placement("phx-1", "phx-1"), post)
    child.place(Placement("bell", "phx-1/bell", "phx-1"), post)
    assert page.parent_view is None
    assert child.parent_view is not None and child.parent_view.id == "phx-1"
    assert child.parent_view.send("hello")
    assert page.child_view("bell").send(("notify", 1))
    assert post.delivered == [("phx-1", "hello"), ("bell", ("notify", 1))]


def test_sending_to_a_view_that_is_not_live_is_dropped_and_says_so() -> None:
    page = LiveView()
    page.place(Placement("phx-1", "phx-1"), Post({"phx-1"}))
    assert page.child_view("gone").send("hello") is False
    assert LiveView().child_view("bell").send("hello") is False  # a dead render: no one to reach


def test_relatives_are_not_assigns() -> None:
    page = LiveView()
    page.place(Placement("phx-1", "phx-1"))
    page.child_html(("bell",), lambda: "<div></div>")
    assert page.get_assigns() == {}
