"""Component slots and the "c" map, without a runtime: a stand-in mounter renders them."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Engine, TemplateSyntaxError

from tether.templates import Rendered, compile, message
from tether.templates.components import MOUNTER, components_wire, with_root_attrs
from tether.templates.rendered import ComponentRef
from tether.testing.tree import ClientTree

LIBRARIES = {"tether": "tether.django.templatetags.tether"}
CARD = '<div class="card">{{ title }} <b>{{ n }}</b></div>'


class Mounter:
    """Places components by id and renders them with their own template, as the runtime does."""

    def __init__(self, engine: Engine) -> None:
        self.template = compile(engine.from_string(CARD))
        self.cids: dict[str, int] = {}
        self.placed: list[tuple[str, dict[str, Any]]] = []
        self.trees: dict[int, Rendered] = {}

    def place(self, component: Any, ident: Any, assigns: dict[str, Any]) -> ComponentRef:
        self.placed.append((str(ident), assigns))
        cid = self.cids.setdefault(str(ident), len(self.cids) + 1)
        self.trees[cid] = self.template.render(Context(assigns))
        return ComponentRef(cid, self)

    def write_component(self, cid: int, out: list[str]) -> None:
        out.append(self.trees[cid].to_html())


def page(source: str) -> tuple[Any, Mounter]:
    engine = Engine(libraries=LIBRARIES)
    return compile(engine.from_string("{% load tether %}" + source)), Mounter(engine)


def test_a_component_is_its_cid_in_the_parents_dynamics() -> None:
    live, mounter = page('<main>{% live_component "app.Card" id="a" title=title n=1 %}</main>')
    tree = live.render(Context({"title": "Hi", MOUNTER: mounter}))
    assert message(None, tree, join=True) == {
        "0": 1,
        "s": 0,
        "r": 1,
        "p": {"0": ["<main>", "</main>"]},
    }
    assert mounter.placed == [("a", {"title": "Hi", "n": 1})]
    assert tree.to_html() == '<main><div class="card">Hi <b>1</b></div></main>'


def test_the_parent_places_a_component_again_only_when_its_arguments_change() -> None:
    live, mounter = page('{{ other }}{% live_component "app.Card" id="a" title=title %}')
    context = {"title": "Hi", "other": 1, MOUNTER: mounter}
    first = live.render(Context(context))
    second = live.render(Context({**context, "other": 2}), previous=first, changed={"other"})
    assert len(mounter.placed) == 1
    live.render(Context({**context, "title": "Yo"}), previous=second, changed={"title"})
    assert mounter.placed[-1] == ("a", {"title": "Yo"})


def test_a_tag_without_an_id_does_not_compile() -> None:
    with pytest.raises(TemplateSyntaxError, match="needs an id"):
        page('{% live_component "app.Card" title="x" %}')


_CARD = compile(Engine().from_string(CARD))


def _card(title: str, n: int) -> Rendered:
    return _CARD.render(Context({"title": title, "n": n}))


def test_new_components_of_one_template_name_the_first_for_their_statics() -> None:
    a, b = _card("A", 1), _card("B", 1)
    wire = components_wire([(1, None, a), (2, None, b)], {})
    assert wire["1"] == {
        "0": "A",
        "1": "1",
        "s": ['<div class="card">', " <b>", "</b></div>"],
        "r": 1,
    }
    assert wire["2"] == {"0": "B", "s": 1}  # n is the same as component 1's


def test_a_new_component_names_one_the_client_holds_with_a_negative_cid() -> None:
    engine = Engine()
    template = compile(engine.from_string(CARD))
    held = template.render(Context({"title": "A", "n": 1}))
    new = template.render(Context({"title": "C", "n": 1}))
    assert components_wire([(3, None, new)], {1: held}) == {"3": {"0": "C", "s": -1}}


def test_a_changed_component_sends_only_its_changed_values() -> None:
    engine = Engine()
    template = compile(engine.from_string(CARD))
    old = template.render(Context({"title": "A", "n": 1}))
    new = template.render(Context({"title": "A", "n": 2}), previous=old, changed={"n"})
    assert components_wire([(1, old, new), (2, old, old)], {}) == {"1": {"1": "2"}}


def test_the_client_tree_merges_shared_statics_as_the_browser_does() -> None:
    a, b = _card("A", 1), _card("B", 2)
    parent = {"0": 1, "1": 2, "s": ["<main>", "", "</main>"]}
    tree = ClientTree({**parent, "c": components_wire([(1, None, a), (2, None, b)], {})})
    assert tree.to_html() == (
        '<main><div data-phx-component="1" class="card">A <b>1</b></div>'
        '<div data-phx-component="2" class="card">B <b>2</b></div></main>'
    )
    c = _card("C", 1)
    tree.merge({"1": 3, "c": components_wire([(3, None, c)], {1: a, 2: b})})
    assert '<div data-phx-component="3" class="card">C <b>1</b></div>' in tree.to_html()
    assert tree.shown == {1, 3}


def test_root_attributes_go_on_the_first_element_after_comments() -> None:
    html = "<!-- a card --> <li id='x'>one</li>"
    assert with_root_attrs(html, {"data-phx-component": 4}) == (
        "<!-- a card --> <li data-phx-component=\"4\" id='x'>one</li>"
    )
