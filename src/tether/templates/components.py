"""Live components in a compiled template, and their part of the wire (pure).

``{% live_component "app.components.Card" id="card-1" item=item %}`` compiles
into a ``ComponentSlot``. Rendering it does not render the component: it asks
the ``Mounter`` found in the context (the view's renderer) to place the
component with these assigns, and gets back a ``ComponentRef``, which is all
the parent's tree holds. The mounter renders every placed component after the
parent, in batches (so ``update_many`` sees all the rows of one ``{% for %}``),
each against its own previous tree, with its own record of changed names:
the same machinery as a view's.

The slot reads only the names its arguments read, so a parent re-render that
does not touch them neither updates nor re-renders the component.

On the wire (LiveView 1.2) a component is its cid in the parent's dynamics
and an entry in the root ``"c"`` map. ``components_wire`` builds that map:
a component the client already holds gets a diff of its own tree; a new one
whose template the client has (or gets in the same message) under another
cid is sent as a diff against that component's tree, with ``"s"`` naming it
(positive: sent in this message, negative: held from before), so a hundred
rows of the same card carry their statics once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from django.template.base import FilterExpression, Node
from django.template.context import Context

from tether.errors import ComponentError
from tether.protocol import STATIC
from tether.templates.deps import Deps
from tether.templates.diff import component_diff
from tether.templates.fragment import Changed, Slot
from tether.templates.rendered import ComponentRef, Comprehension, Dynamic, Rendered

Wire = dict[str, Any]

#: The context key the mounter sits under; a leading underscore keeps templates from reading it.
MOUNTER = "_tether_mounter"


class Mounter(Protocol):
    def place(self, component: Any, ident: Any, assigns: dict[str, Any]) -> ComponentRef: ...


class LiveComponentNode(Node):
    """The parsed tag (``tether.django.components_tags`` parses it)."""

    child_nodelists = ()

    def __init__(
        self,
        component: FilterExpression,
        ident: FilterExpression,
        kwargs: dict[str, FilterExpression],
    ) -> None:
        self.component = component
        self.ident = ident
        self.kwargs = kwargs

    def render(self, context: Context) -> str:
        # Only reached when Django renders the tag itself (inside an opaque tag).
        raise ComponentError(
            "{% live_component %} renders only in a live view's template, "
            "and not inside a tag Tether renders opaquely (spaceless, filter, blocktranslate...)"
        )


class ComponentSlot(Slot):
    __slots__ = ("node",)

    def __init__(self, node: LiveComponentNode, deps: Deps) -> None:
        super().__init__(deps)
        self.node = node

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        mounter = context.get(MOUNTER)
        if mounter is None:
            raise ComponentError("{% live_component %} renders only in a live view's template")
        node = self.node
        assigns = {name: expr.resolve(context) for name, expr in node.kwargs.items()}
        placed: ComponentRef = mounter.place(
            node.component.resolve(context), node.ident.resolve(context), assigns
        )
        return placed


Change = tuple[int, Rendered | None, Rendered]


def components_wire(changes: Sequence[Change], held: Mapping[int, Rendered]) -> Wire:
    """The ``"c"`` map: ``changes`` are (cid, tree the client holds or None, new tree),
    ``held`` the trees the client holds for other cids before this message."""
    out: Wire = {}
    sent: dict[int, tuple[int, Rendered]] = {}  # id(root statics) -> a cid in this message
    kept: dict[int, tuple[int, Rendered]] | None = None
    for cid, old, new in changes:
        key = id(new.statics)
        if old is not None and old.statics is new.statics:
            wire = component_diff(old, new)
        elif key in sent:
            base_cid, base = sent[key]
            wire = component_diff(base, new)
            wire[STATIC] = base_cid
        else:
            if kept is None:
                kept = {}
                for c, tree in held.items():
                    kept.setdefault(id(tree.statics), (c, tree))
            found = kept.get(key)
            if found is not None:
                wire = component_diff(found[1], new)
                wire[STATIC] = -found[0]
            else:
                wire = component_diff(None, new)
        if wire:
            out[str(cid)] = wire
            sent.setdefault(key, (cid, new))
    return out


def component_refs(value: Dynamic) -> Iterator[int]:
    """The cids of the components a tree places directly (not inside those components)."""
    if isinstance(value, ComponentRef):
        yield value.cid
    elif isinstance(value, Rendered):
        for item in value.dynamics:
            if not isinstance(item, str):
                yield from component_refs(item)
    elif isinstance(value, Comprehension):
        for row in value.rows:
            for item in row:
                if not isinstance(item, str):
                    yield from component_refs(item)


def with_root_attrs(html: str, attrs: Mapping[str, object]) -> str:
    """``html`` (one element) with ``attrs`` added to its start tag, as the client does."""
    start = 0
    while True:
        start = html.find("<", start)
        if start < 0 or not html.startswith("<!--", start):
            break
        start = html.find("-->", start) + 3
    if start < 0:
        return html
    end = start + 1
    while end < len(html) and html[end] not in " \t\n\r\f/>":
        end += 1
    extra = "".join(f' {name}="{value}"' for name, value in attrs.items())
    return html[:end] + extra + html[end:]
