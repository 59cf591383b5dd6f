"""Generated histories of a list of components: the client's merge always shows the server's page.

Components come and go, change their arguments, change their own state and
get ``send_update``s; the browser's destroy handshake runs at once or one
step late (so a component may come back between its two messages). After
every step the page the test client merges from the wire (``"c"``, shared
statics by positive and negative cid, pruning) must equal the server's HTML.
"""

from __future__ import annotations

import asyncio
from typing import Any

from django.template import Context, Engine
from hypothesis import given, settings
from hypothesis import strategies as st

from tether import LiveComponent
from tether.component import ComponentUpdate
from tether.component_set import ComponentSet
from tether.templates import Rendered, compile, message
from tether.templates.components import MOUNTER, components_wire
from tether.testing.tree import ClientTree

ENGINE = Engine(libraries={"tether": "tether.django.templatetags.tether"})
PARENT = compile(
    ENGINE.from_string(
        "{% load tether %}<ul>{% for item in items %}"
        "{% live_component cls id=item.0 label=item.1 %}{% endfor %}</ul>"
    )
)
TILE = compile(
    ENGINE.from_string(
        '<li id="t-{{ id }}">{{ label }} {{ clicks }}'
        "{% if clicks > 1 %}<b>hot {{ clicks }}</b>{% endif %}</li>"
    )
)


class Tile(LiveComponent):
    template_name = "tile"

    async def mount(self) -> None:  # type: ignore[override]
        self.clicks = 0


class Host:
    connected = True


async def render_tile(component: LiveComponent, old: Rendered | None, changed: Any) -> Rendered:
    tree: Rendered = TILE.render(Context(component.get_assigns()), old, changed)
    return tree


class Page:
    def __init__(self) -> None:
        self.components = ComponentSet(Host())
        self.items: list[tuple[str, str]] = []
        self.tree: Rendered | None = None
        self.client = ClientTree()
        self.marked: list[int] = []

    def place(self, component: Any, ident: Any, assigns: dict[str, Any]) -> Any:
        return self.components.place(component, ident, assigns)

    async def render(self, changed: set[str]) -> None:
        old = self.tree
        self.components.begin(full=old is None)
        context = Context({"items": self.items, "cls": Tile, MOUNTER: self})
        new = PARENT.render(context, old, None if old is None else changed)
        await self.components.settle(render_tile)
        wire = message(
            old, new, join=old is None, components=components_wire(*self.components.take_changes())
        )
        self.tree = new
        self.client.merge(wire)
        assert self.client.to_html() == new.to_html()

    def handshake(self, *, late: bool) -> None:
        """The browser: will_destroy now; destroyed now, or after the next step."""
        if self.marked:
            gone = [c for c in self.marked if c not in self.client.shown]
            self.client.prune(self.components.destroyed(gone))
            self.marked = []
        removed = sorted(set(self.client.components) - self.client.shown)
        if removed:
            self.components.will_destroy(removed)
            self.marked = removed
            if not late:
                self.handshake(late=True)


ids = st.sampled_from(["a", "b", "c", "d", "e"])
labels = st.sampled_from(["x", "y", "<&>"])
steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), ids, labels),
        st.tuples(st.just("remove"), ids, labels),
        st.tuples(st.just("relabel"), ids, labels),
        st.tuples(st.just("click"), ids, labels),
        st.tuples(st.just("send_update"), ids, labels),
        st.tuples(st.just("reverse"), ids, labels),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(
    first=st.lists(st.tuples(ids, labels), max_size=4, unique_by=lambda t: t[0]),
    history=steps,
    late=st.booleans(),
)
def test_the_merged_page_always_equals_the_servers(
    first: list[tuple[str, str]], history: list[tuple[str, str, str]], late: bool
) -> None:
    async def run() -> None:
        page = Page()
        page.items = first
        await page.render(set())
        for op, ident, label in history:
            present = [i for i, _l in page.items]
            changed = {"items"}
            if op == "add" and ident not in present:
                page.items = [*page.items, (ident, label)]
            elif op == "remove":
                page.items = [it for it in page.items if it[0] != ident]
            elif op == "relabel":
                page.items = [(i, label if i == ident else lab) for i, lab in page.items]
            elif op == "reverse":
                page.items = page.items[::-1]
            elif op in ("click", "send_update") and ident in present:
                cid = page.components.ids[(Tile, ident)]
                component = page.components.entries[cid].component
                if op == "click":
                    component.clicks += 1
                else:
                    page.components.send_update(ComponentUpdate(Tile, ident, {"label": label}))
                changed = set()
            await page.render(changed)
            page.handshake(late=late)

    asyncio.run(run())
