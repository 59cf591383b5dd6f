"""The live components of one view: by cid, their lifecycle, and what the client holds.

A view gets a ``ComponentSet`` the first time its template places a
component (a page without components holds none). It lives on the view
(``_components``), so it is frozen, thawed and dropped with it.

A render places components (``place``: created on first sight, queued for
``update`` with the assigns the tag gave); ``settle`` then mounts the new
ones, runs ``update`` (or ``update_many`` once per class for all those placed
together), and renders every component whose assigns changed against the
tree the client holds, each with its own changed names. Rendering a
component may place others (components in components): ``settle`` loops
until nothing is pending. ``take_changes`` hands the rendered trees to the
``"c"`` map of the next message.

Destruction follows the client: ``cids_will_destroy`` marks cids that left
the page; a render that places one again unmarks it; ``cids_destroyed``
deletes those still marked and answers with every cid no longer alive, which
the client then forgets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from django.utils.module_loading import import_string

from tether.component import ComponentUpdate, LiveComponent, Target, class_path
from tether.errors import ComponentError
from tether.protocol import ATTR_COMPONENT
from tether.sync import call
from tether.templates.components import Change, component_refs, with_root_attrs
from tether.templates.rendered import ComponentRef, Rendered

Host = Any  # tether.view.Host: that module imports this one (through rendering)

RenderComponent = Callable[
    [LiveComponent, Rendered | None, frozenset[str] | None], Awaitable[Rendered]
]

Key = tuple[type[LiveComponent], str]


def component_class(component: object) -> type[LiveComponent]:
    """A ``LiveComponent`` subclass, or the dotted path of one."""
    cls = component
    if isinstance(component, str):
        try:
            cls = import_string(component)
        except ImportError as exc:
            raise ComponentError(f"no component {component!r}: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, LiveComponent)):
        raise ComponentError(f"{component!r} is not a LiveComponent subclass")
    if not cls.template_name:
        raise ComponentError(f"{cls.__qualname__} has no template_name")
    return cls


def _overrides(cls: type[LiveComponent], name: str) -> bool:
    """Whether ``cls`` defines ``name`` itself rather than inheriting LiveComponent's."""
    return next(k for k in cls.__mro__ if name in vars(k)) is not LiveComponent


class Entry:
    __slots__ = ("component", "mounted", "ref", "tree")

    def __init__(
        self, component: LiveComponent, ref: ComponentRef, *, mounted: bool = False
    ) -> None:
        self.component = component
        self.mounted = mounted
        # One reference per component: a parent placing it again keeps its tree unchanged.
        self.ref = ref
        # What the client holds for this cid; None until sent.
        self.tree: Rendered | None = None


class ComponentSet:
    """One view's components; see the module docstring."""

    __slots__ = (
        "__weakref__",
        "_sent",
        "entries",
        "host",
        "ids",
        "marked",
        "next_cid",
        "pending",
        "placed",
    )

    def __init__(self, host: Host, next_cid: int = 1) -> None:
        self.host = host
        self.entries: dict[int, Entry] = {}
        self.ids: dict[Key, int] = {}
        self.next_cid = next_cid
        self.pending: dict[int, dict[str, Any]] = {}
        self.placed: dict[Key, int] = {}  # in the current render pass
        self.marked: set[int] = set()
        # cid -> the tree the client held before the message being built.
        self._sent: dict[int, Rendered | None] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def components(self) -> list[LiveComponent]:
        return [entry.component for entry in self.entries.values()]

    # -- placing, during a render (possibly in a thread) -------------------------

    def begin(self, *, full: bool) -> None:
        """A render pass starts; a full one re-sends every component it places."""
        self.placed = {}
        if full:
            for entry in self.entries.values():
                entry.tree = None

    def place(self, component: object, ident: object, assigns: dict[str, Any]) -> ComponentRef:
        cls = component_class(component)
        if ident is None or ident == "":
            raise ComponentError(f"{{% live_component %}} of {cls.__qualname__} needs an id")
        key = (cls, str(ident))
        if key in self.placed:
            raise ComponentError(
                f"two {cls.__qualname__} components with id {ident!r} on one page: "
                "ids must be unique per component class"
            )
        cid = self.ids.get(key)
        if cid is None:
            cid = self.next_cid
            self.next_cid += 1
            self.entries[cid] = Entry(cls(cid, str(ident), self.host), ComponentRef(cid, self))
            self.ids[key] = cid
        self.placed[key] = cid
        self._revive(cid)
        self.pending[cid] = assigns
        return self.entries[cid].ref

    def send_update(self, message: ComponentUpdate) -> bool:
        """Queue ``send_update``'s assigns; False when no such component lives."""
        cid = self.ids.get((component_class(message.component), message.id))
        if cid is None:
            return False
        self.pending.setdefault(cid, {}).update(message.assigns)
        return True

    @property
    def dirty(self) -> bool:
        return bool(self.pending) or any(
            entry.tree is None or entry.component.__dict__.get("_changed")
            for entry in self.entries.values()
        )

    # -- lifecycle and rendering ---------------------------------------------------

    async def settle(self, render: RenderComponent) -> None:
        """Mount, update and render until no component has anything pending."""
        while True:
            pending, self.pending = self.pending, {}
            await self._update(pending)
            todo = [
                (cid, entry)
                for cid, entry in self.entries.items()
                if entry.tree is None or entry.component.__dict__.get("_changed")
            ]
            if not todo and not self.pending:
                return
            for cid, entry in todo:
                changed = entry.component.pop_changed()
                old = entry.tree
                tree = await render(
                    entry.component, old, None if old is None else frozenset(changed)
                )
                if not tree.root:
                    raise ComponentError(
                        f"{type(entry.component).__qualname__}'s template must render exactly "
                        "one HTML element at its root (the client marks it with the cid)"
                    )
                if cid not in self._sent:
                    self._sent[cid] = old
                entry.tree = tree

    async def _update(self, pending: dict[int, dict[str, Any]]) -> None:
        groups: dict[type[LiveComponent], list[tuple[dict[str, Any], LiveComponent]]]
        groups = defaultdict(list)
        for cid, assigns in pending.items():
            entry = self.entries.get(cid)
            if entry is None:
                continue
            component = entry.component
            if not entry.mounted:
                entry.mounted = True
                if _overrides(type(component), "mount"):
                    await call(component.mount)
            groups[type(component)].append((assigns, component))
        for cls, pairs in groups.items():
            if _overrides(cls, "update_many"):
                await call(cls.update_many, pairs)
            elif _overrides(cls, "update"):
                for assigns, component in pairs:
                    await call(component.update, assigns)
            else:
                for assigns, component in pairs:
                    component.update(assigns)  # the default only assigns: no thread needed

    def take_changes(self) -> tuple[list[Change], dict[int, Rendered]]:
        """The components rendered since the last call (cid, tree the client held, new tree),
        and the trees the client holds for the others."""
        sent, self._sent = self._sent, {}
        changes: list[Change] = []
        held: dict[int, Rendered] = {}
        for cid, entry in self.entries.items():
            tree = entry.tree
            if cid in sent and tree is not None:
                changes.append((cid, sent[cid], tree))
                before = sent[cid]
                if before is not None:
                    held[cid] = before
            elif tree is not None:
                held[cid] = tree
        return changes, held

    def write_component(self, cid: int, out: list[str]) -> None:
        """A component's HTML as the client shows it (the dead render)."""
        entry = self.entries.get(cid)
        if entry is None or entry.tree is None:
            raise ComponentError(f"component {cid} has not rendered")
        out.append(with_root_attrs(entry.tree.to_html(), {ATTR_COMPONENT: cid}))

    # -- the client's destroy handshake -------------------------------------------

    def will_destroy(self, cids: Iterable[int]) -> None:
        self.marked.update(cid for cid in cids if cid in self.entries)

    def _revive(self, cid: int) -> None:
        """A component placed again before the client confirmed its destruction is kept,
        and so is everything inside it: change tracking may not place those again."""
        if cid in self.marked:
            self.marked.discard(cid)
            entry = self.entries.get(cid)
            if entry is not None and entry.tree is not None:
                for child in component_refs(entry.tree):
                    self._revive(child)

    def destroyed(self, cids: Iterable[int]) -> list[int]:
        """Delete the cids still marked; answer every asked cid that is gone now."""
        gone = []
        for cid in cids:
            if cid in self.marked:
                self._delete(cid)
            if cid not in self.entries:
                gone.append(cid)
        return gone

    def prune_unplaced(self) -> None:
        """After a full render the client holds only what it placed: forget the rest."""
        keep = set(self.placed.values())
        for cid in [cid for cid in self.entries if cid not in keep]:
            self._delete(cid)

    def _delete(self, cid: int) -> None:
        self.marked.discard(cid)
        entry = self.entries.pop(cid)
        component = entry.component
        self.ids.pop((type(component), component.id), None)
        self.pending.pop(cid, None)
        # A load it started still reports back; a cid no longer here ignores it.
        self._sent.pop(cid, None)

    # -- freezing ---------------------------------------------------------------------

    def freeze(self) -> tuple[int, list[tuple[int, str, str, dict[str, Any]]]]:
        out = []
        for cid, entry in self.entries.items():
            component = entry.component
            skip = set(type(component).transient)
            assigns = {k: v for k, v in component.get_assigns().items() if k not in skip}
            out.append((cid, class_path(type(component)), component.id, assigns))
        return self.next_cid, out

    @classmethod
    def thaw(cls, frozen: Any, host: Host) -> ComponentSet:
        next_cid, records = frozen
        self = cls(host, next_cid)
        for cid, path, ident, assigns in records:
            component_cls = component_class(path)
            component = component_cls.__new__(component_cls)
            object.__setattr__(component, "_host", host)
            for name, value in assigns.items():
                object.__setattr__(component, name, value)
            object.__setattr__(component, "myself", Target(cid))
            self.entries[cid] = Entry(component, ComponentRef(cid, self), mounted=True)
            self.ids[(component_cls, ident)] = cid
        return self


def components_of(view: object) -> ComponentSet | None:
    found: ComponentSet | None = getattr(view, "__dict__", {}).get("_components")
    return found


def live_components(view: object) -> list[LiveComponent]:
    """The components alive in ``view`` now (for tests and debugging)."""
    components = components_of(view)
    return components.components() if components is not None else []


def frozen_components(view: object) -> Any:
    components = components_of(view)
    return components.freeze() if components else None
