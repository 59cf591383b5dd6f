"""The @event table that live views and live components share."""

from __future__ import annotations

from typing import Any

import pytest

from tether import LiveComponent, LiveView, event
from tether.errors import ReservedName, UnknownEvent


class Tally(LiveComponent):
    count = 0

    @event("add-one")
    def add(self) -> None:
        self.count += 1

    @event
    async def set_to(self, payload: dict[str, Any]) -> None:
        self.count = int(payload["value"])


class Page(LiveView):
    @event
    def save(self, payload: dict[str, Any]) -> str:
        return f"saved {payload['title']}"


def test_views_and_components_build_the_same_table() -> None:
    assert Tally._event_handlers == {
        "add-one": ("add", False, False),
        "set_to": ("set_to", True, True),
    }
    assert Page._event_handlers == {"save": ("save", True, False)}


@pytest.mark.django_db  # a plain def runs in the pool, which closes stale connections
async def test_a_component_dispatches_async_and_plain_handlers() -> None:
    tally = Tally(1, "tally")
    await tally.handle_event("add-one", {})
    assert tally.count == 1
    await tally.handle_event("set_to", {"value": "7"})
    assert tally.count == 7


@pytest.mark.django_db
async def test_a_view_dispatches_a_plain_handler_in_the_pool_and_returns_its_reply() -> None:
    assert await Page().handle_event("save", {"title": "x"}) == "saved x"


async def test_unknown_component_event_says_did_you_mean() -> None:
    # The component's message used to read "unknown event 'Tally has no @event ...'".
    with pytest.raises(UnknownEvent, match=r"^unknown event 'add_one'; did you mean 'add-one'\?$"):
        await Tally(1, "tally").handle_event("add_one", {})


def test_a_component_assign_cannot_hide_a_handler() -> None:
    with pytest.raises(ReservedName, match=r"Tally\.add is an @event handler"):
        Tally(1, "tally").add = 3  # type: ignore[assignment, method-assign]


def test_a_component_class_attribute_cannot_hide_a_base_handler() -> None:
    with pytest.raises(ReservedName, match=r"Shadow\.add is an @event handler of a base class"):

        class Shadow(Tally):
            add = 5  # type: ignore[assignment]
