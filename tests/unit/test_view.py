from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tether.effects import Navigation, NavKind
from tether.errors import ReservedName, UnknownEvent
from tether.handlers import event
from tether.protocol import CLEAR_FLASH
from tether.tokens import view_path
from tether.view import LiveView


class Counter(LiveView):
    template_name = "counter.html"

    async def mount(self, request: Any, **kwargs: Any) -> None:
        self.count = 0

    @event
    async def inc(self) -> None:
        self.count += 1

    @event("add-n")
    async def add(self, payload: dict[str, Any]) -> int:
        self.count += int(payload["n"])
        return self.count

    @event("sync-set")
    def set_value(self, payload: dict[str, Any]) -> None:
        self.count = int(payload["value"])


class FancyCounter(Counter):
    @event("inc")
    async def inc_twice(self) -> None:
        self.count += 2

    @event
    async def reset(self) -> None:
        self.count = 0


@dataclass
class FakeUser:
    is_authenticated: bool = True
    perms: set[str] = field(default_factory=set)

    def has_perms(self, wanted: tuple[str, ...]) -> bool:
        return set(wanted) <= self.perms


@dataclass
class FakeRequest:
    user: FakeUser | None = None


def counter() -> Counter:
    view = Counter()
    view.count = 0
    view.pop_changed()
    return view


def test_event_registers_by_method_name_or_given_name() -> None:
    assert Counter._event_handlers == {
        "inc": ("inc", False, True),
        "add-n": ("add", True, True),
        "sync-set": ("set_value", True, False),
    }


def test_event_handlers_are_inherited_and_overridable() -> None:
    handlers = FancyCounter._event_handlers
    assert handlers["inc"][0] == "inc_twice"
    assert handlers["add-n"][0] == "add"
    assert handlers["reset"][0] == "reset"
    assert "reset" not in Counter._event_handlers


async def test_handle_event_dispatches_with_and_without_payload() -> None:
    view = counter()
    await view.handle_event("inc", {"ignored": True})
    assert await view.handle_event("add-n", {"n": "5"}) == 6
    assert view.count == 6
    assert view.pop_changed() == {"count"}


@pytest.mark.django_db(transaction=True)  # the worker thread tidies its DB connections
async def test_handle_event_runs_plain_def_handlers() -> None:
    view = counter()
    await view.handle_event("sync-set", {"value": "41"})
    assert view.count == 41


async def test_handle_event_uses_the_subclass_handler() -> None:
    view = FancyCounter()
    view.count = 0
    await view.handle_event("inc", {})
    assert view.count == 2


async def test_handle_event_unknown() -> None:
    with pytest.raises(UnknownEvent, match="unknown event 'nope'"):
        await counter().handle_event("nope", {})


async def test_clear_flash_event_clears_one_kind_or_all() -> None:
    view = counter()
    view.put_flash("info", "Saved")
    view.put_flash("error", "Oops")
    view.pop_changed()
    await view.handle_event(CLEAR_FLASH, {"key": "info"})
    assert view.flash == {"error": "Oops"}
    assert view.pop_changed() == {"flash"}
    await view.handle_event(CLEAR_FLASH, {})
    assert view.flash == {}


def test_put_and_clear_flash_mark_flash_changed() -> None:
    view = counter()
    view.put_flash("info", "Saved")
    assert view.flash == {"info": "Saved"}
    assert view.pop_changed() == {"flash"}
    view.clear_flash()
    assert view.flash == {}
    assert view.pop_changed() == {"flash"}


def test_flash_is_a_copy() -> None:
    view = counter()
    view.flash["info"] = "not stored"
    assert view.flash == {}


def test_flash_is_not_an_assign() -> None:
    view = counter()
    view.put_flash("info", "Saved")
    assert view.get_assigns() == {"count": 0}


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda v: v.push_patch("/?page=2"), Navigation(NavKind.PATCH, "/?page=2", False)),
        (lambda v: v.push_patch("/?p=3", replace=True), Navigation(NavKind.PATCH, "/?p=3", True)),
        (lambda v: v.push_navigate("/chat"), Navigation(NavKind.NAVIGATE, "/chat", False)),
        (lambda v: v.redirect("/login"), Navigation(NavKind.REDIRECT, "/login", False)),
    ],
)
def test_navigation_is_recorded_and_drained(call: Any, expected: Navigation) -> None:
    view = counter()
    call(view)
    taken = view.take_effects()
    assert taken.navigation == expected
    assert view._effects.navigation is None


def test_last_navigation_wins() -> None:
    view = counter()
    view.push_patch("/a")
    view.redirect("/b")
    assert view.take_effects().navigation == Navigation(NavKind.REDIRECT, "/b")


def test_push_event_is_recorded_and_drained() -> None:
    view = counter()
    view.push_event("highlight", {"id": 1})
    view.push_event("scroll", None)
    taken = view.take_effects()
    assert taken.events == [("highlight", {"id": 1}), ("scroll", None)]
    assert view._effects.events == []
    assert view.take_effects().events == []


def test_effects_are_not_assigns() -> None:
    view = counter()
    view.push_event("x", 1)
    view.push_patch("/")
    assert view.pop_changed() == set()


def test_dead_view_is_not_connected() -> None:
    assert counter().connected is False


def test_has_access_by_default() -> None:
    assert counter().has_access(FakeRequest(None))


class Private(LiveView):
    login_required = True


class Admin(LiveView):
    permission_required = "pages.change_page"


class Editors(LiveView):
    permission_required = ("pages.change_page", "pages.add_page")


@pytest.mark.parametrize(
    ("view_cls", "user", "allowed"),
    [
        (Private, None, False),
        (Private, FakeUser(is_authenticated=False), False),
        (Private, FakeUser(), True),
        (Admin, None, False),
        (Admin, FakeUser(), False),
        (Admin, FakeUser(perms={"pages.change_page"}), True),
        (Editors, FakeUser(perms={"pages.change_page"}), False),
        (Editors, FakeUser(perms={"pages.change_page", "pages.add_page"}), True),
    ],
)
def test_has_access(view_cls: type[LiveView], user: FakeUser | None, allowed: bool) -> None:
    assert view_cls().has_access(FakeRequest(user)) is allowed


def test_view_path_is_dotted() -> None:
    assert view_path(Counter) == f"{__name__}.Counter"


def test_an_assign_named_like_an_event_handler_is_refused_not_a_silent_shadow() -> None:
    # Review finding 16: `self.add = True` hid the handler `add`, and every
    # click then crashed the view with "'bool' object is not callable".
    class Cart(LiveView):
        @event
        async def add(self) -> None:
            pass

    cart = Cart()
    with pytest.raises(ReservedName, match=r"Cart\.add is an @event handler"):
        cart.add = True  # type: ignore[method-assign, assignment]
    cart.added = True  # another name is fine
    assert cart.get_assigns() == {"added": True}


def test_a_subclass_attribute_hiding_an_inherited_handler_is_refused_at_class_definition() -> None:
    class Base(LiveView):
        @event
        async def save(self) -> None:
            pass

    with pytest.raises(ReservedName, match=r"Child\.save is an @event handler"):

        class Child(Base):
            save = False  # type: ignore[assignment]


async def test_an_unknown_event_suggests_the_handler_it_was_probably_meant_for() -> None:
    with pytest.raises(UnknownEvent, match="unknown event 'incc'; did you mean 'inc'\\?"):
        await Counter().handle_event("incc", {})
