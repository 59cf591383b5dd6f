"""Which joins are a child's, and which sessions end with their parent."""

from __future__ import annotations

from typing import Any

from tether import protocol, tokens
from tether.live.children import is_child_join, orphans


class Session:
    def __init__(self, topic: str, child: tokens.ChildToken | None = None) -> None:
        self.topic = topic
        self.child = child


def _child(element_id: str, parent_id: str, *, sticky: bool = False) -> Session:
    token = tokens.ChildToken(
        "app.V", element_id, parent_id, f"{parent_id}/{element_id}", None, "", "/", {}, sticky
    )
    return Session(protocol.LV_TOPIC_PREFIX + element_id, token)


def test_a_join_without_a_url_is_a_childs() -> None:
    assert is_child_join({protocol.SESSION: "t", protocol.PARAMS: {}})
    assert not is_child_join({protocol.URL: "http://x/", protocol.SESSION: "t"})
    assert not is_child_join({protocol.REDIRECT: "http://x/", protocol.SESSION: "t"})
    assert not is_child_join("not a payload")


def test_only_the_non_sticky_children_of_a_parent_end_with_it() -> None:
    page = Session("lv:phx-1")
    bell, player, other = (
        _child("bell", "phx-1"),
        _child("player", "phx-1", sticky=True),
        _child("bell2", "phx-2"),
    )
    sessions: list[Any] = [page, bell, player, other]
    assert orphans(sessions, page) == [bell]  # type: ignore[arg-type]
