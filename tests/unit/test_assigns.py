from __future__ import annotations

from tether.assigns import Assigns


class Bag(Assigns):
    pass


def test_assigning_marks_changed() -> None:
    bag = Bag()
    bag.count = 1
    bag.name = "ann"
    assert bag.pop_changed() == {"count", "name"}


def test_private_and_request_are_not_assigns() -> None:
    bag = Bag()
    bag._cache = {}
    bag.request = object()
    assert bag.pop_changed() == set()
    assert bag.get_assigns() == {}


def test_mark_changed_declares_in_place_mutation() -> None:
    bag = Bag()
    bag.items = []
    bag.pop_changed()
    bag.items.append(1)
    assert bag.pop_changed() == set()
    bag.mark_changed("items", "other")
    assert bag.pop_changed() == {"items", "other"}


def test_mark_changed_before_any_assignment() -> None:
    bag = Bag()
    bag.mark_changed("items")
    assert bag.pop_changed() == {"items"}


def test_pop_changed_resets() -> None:
    bag = Bag()
    bag.count = 1
    assert bag.pop_changed() == {"count"}
    assert bag.pop_changed() == set()
    assert "_changed" not in vars(bag)  # an idle view holds no empty set
    bag.count = 2
    assert bag.pop_changed() == {"count"}


def test_get_assigns_returns_public_attributes() -> None:
    bag = Bag()
    bag.count = 3
    bag._secret = "s"
    bag.request = object()
    assert bag.get_assigns() == {"count": 3}


def test_deleting_an_assign_marks_it_changed() -> None:
    bag = Bag()
    bag.count = 1
    bag.pop_changed()
    del bag.count
    assert bag.pop_changed() == {"count"}
    assert bag.get_assigns() == {}


def test_deleting_a_private_attribute_marks_nothing() -> None:
    bag = Bag()
    bag._cache = 1
    del bag._cache
    assert bag.pop_changed() == set()


def test_deleting_request_marks_nothing() -> None:
    bag = Bag()
    bag.request = object()
    del bag.request
    assert bag.pop_changed() == set()


def test_names_changed_in_place_are_told_apart_from_new_values() -> None:
    view = Bag()
    items = [1]
    view.items = items
    view.title = "a"
    assert view.pop_mutated() == frozenset()
    items.append(2)
    view.items = items  # the same object again: changed in place
    view.mark_changed("title")
    assert view.pop_changed() == {"items", "title"}
    assert view.pop_mutated() == {"items", "title"}
    assert view.pop_mutated() == frozenset()
