"""A view's ComponentSet: creation, updates in batches, the destroy handshake, freezing."""

from __future__ import annotations

import pickle
from typing import Any, ClassVar

import pytest
from django.template import Context, Engine

from tether import ComponentError, LiveComponent, event
from tether.component import ComponentUpdate
from tether.component_set import ComponentSet
from tether.templates import Rendered, compile
from tether.templates.components import MOUNTER

ENGINE = Engine(libraries={"tether": "tether.django.templatetags.tether"})


class Tile(LiveComponent):
    """Async hooks: a plain def would run in a thread, which wants a database here."""

    template_name = "tile.html"
    batches: ClassVar[list[int]] = []

    async def mount(self) -> None:  # type: ignore[override]
        self.clicks = 0

    @classmethod
    async def update_many(cls, pairs: list[tuple[dict[str, Any], Tile]]) -> None:  # type: ignore[override]
        cls.batches.append(len(pairs))
        for assigns, tile in pairs:
            tile.update(assigns)

    @event
    def click(self) -> None:
        self.clicks += 1


class Loose(LiveComponent):
    template_name = "loose.html"


TEMPLATES = {
    "tile.html": compile(ENGINE.from_string('<p id="t-{{ id }}">{{ label }} {{ clicks }}</p>')),
    "loose.html": compile(ENGINE.from_string("<b>one</b><b>two</b>")),
}


async def render(component: LiveComponent, old: Rendered | None, changed: Any) -> Rendered:
    context = Context(component.get_assigns())
    tree: Rendered = TEMPLATES[component.template_name].render(context, old, changed)
    return tree


class Host:
    connected = True

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, message: Any, delay: float = 0.0, *, repeat: bool = False) -> None:
        self.sent.append(message)


def placed(components: ComponentSet, *tiles: tuple[str, str]) -> list[int]:
    components.begin(full=False)
    return [components.place(Tile, ident, {"label": label}).cid for ident, label in tiles]


async def test_update_many_runs_once_per_class_for_one_render() -> None:
    Tile.batches.clear()
    components = ComponentSet(Host())
    placed(components, ("a", "A"), ("b", "B"), ("c", "C"))
    await components.settle(render)
    assert Tile.batches == [3]
    changes, _held = components.take_changes()
    assert [cid for cid, _old, _new in changes] == [1, 2, 3]


async def test_only_a_component_with_changes_renders_again() -> None:
    components = ComponentSet(Host())
    placed(components, ("a", "A"), ("b", "B"))
    await components.settle(render)
    components.take_changes()
    components.entries[2].component.clicks += 1
    assert components.dirty
    await components.settle(render)
    changes, held = components.take_changes()
    assert [(cid, list(new.dynamics)) for cid, _old, new in changes] == [(2, ["b", "B", "1"])]
    assert set(held) == {1, 2}


async def test_a_duplicate_id_in_one_render_is_an_error() -> None:
    components = ComponentSet(Host())
    with pytest.raises(ComponentError, match="two Tile components with id 'a'"):
        placed(components, ("a", "A"), ("a", "B"))


async def test_a_component_needs_one_root_element() -> None:
    components = ComponentSet(Host())
    components.place(Loose, "x", {})
    with pytest.raises(ComponentError, match="exactly one HTML element"):
        await components.settle(render)


def test_an_unknown_component_is_named_in_the_error() -> None:
    with pytest.raises(ComponentError, match=r"no component 'nowhere\.Card'"):
        ComponentSet(Host()).place("nowhere.Card", "x", {})


async def test_destroyed_deletes_only_what_is_still_marked() -> None:
    components = ComponentSet(Host())
    a, b = placed(components, ("a", "A"), ("b", "B"))
    await components.settle(render)
    components.will_destroy([a, b])
    placed(components, ("b", "B"))  # b came back before the client confirmed
    assert components.destroyed([a, b, 99]) == [a, 99]
    assert [c.id for c in components.components()] == ["b"]
    # The same id placed again is a new component: a new cid, mounted afresh.
    (again,) = placed(components, ("a", "A"))
    assert again not in (a, b)
    await components.settle(render)
    assert components.entries[again].component.clicks == 0


async def test_a_frozen_set_thaws_with_the_same_components_and_state() -> None:
    components = ComponentSet(Host())
    placed(components, ("a", "A"), ("b", "B"))
    await components.settle(render)
    components.entries[2].component.clicks = 5
    host = Host()
    thawed = ComponentSet.thaw(pickle.loads(pickle.dumps(components.freeze())), host)
    tile = thawed.entries[2].component
    assert (tile.id, tile.clicks, int(tile.myself), tile.connected) == ("b", 5, 2, True)
    (new,) = placed(thawed, ("c", "C"))
    assert new == 3  # cids keep counting where they were


async def test_send_update_reaches_a_live_component_only() -> None:
    components = ComponentSet(Host())
    placed(components, ("a", "A"))
    await components.settle(render)
    assert components.send_update(ComponentUpdate(Tile, "a", {"label": "Z"}))
    assert not components.send_update(ComponentUpdate(Tile, "zz", {}))
    await components.settle(render)
    assert components.entries[1].tree is not None
    assert components.entries[1].tree.dynamics[1] == "Z"


async def test_a_class_in_the_context_names_the_component() -> None:
    live = compile(
        ENGINE.from_string("{% load tether %}<div>{% live_component cls id='x' %}</div>")
    )
    components = ComponentSet(Host())

    class Mounter:
        def place(self, component: Any, ident: Any, assigns: dict[str, Any]) -> Any:
            return components.place(component, ident, assigns)

    live.render(Context({"cls": Tile, MOUNTER: Mounter()}))
    assert [type(c) for c in components.components()] == [Tile]
