"""Rendering a live view's template into a ``Rendered`` tree.

Streams (``tether.streams``) are handed to the template as ``streams`` and
forgotten once the diff that carries their rows is built.

Live components (``tether.component_set``) render after the view's tree, each
against its own previous tree; the renderer is the ``Mounter`` their template
tags place them through, and their trees go in the message's ``"c"`` map.

Views of one template share what they render alike: slots given the same
inputs are rendered once per process (``templates/memo.py``), so a broadcast
that changes ten thousand views of a room renders its new slots once, and
the views hold one copy of the result between them. Renders that fell back
to a thread (the sync ORM) do not share.

Context processors run once per mount: their values (``user``, ``csrf_token``,
``request``...) do not change while the view lives, so re-renders only pay
for the assigns that changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import SynchronousOnlyOperation
from django.template import Context
from django.template.loader import get_template

from tether import render_scope, watchdog
from tether.component_set import ComponentSet, components_of
from tether.conf import setting
from tether.family import PARENT
from tether.sync import run_sync
from tether.templates import LiveTemplate, Rendered, compile, memo, message
from tether.templates.components import MOUNTER, components_wire
from tether.templates.loops import ROW_SEQUENCES
from tether.templates.memo import SharedRenders
from tether.templates.rendered import ComponentRef

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tether.component import LiveComponent
    from tether.view import LiveView

logger = logging.getLogger("tether.render")

Wire = dict[str, Any]

#: The process's shared slot renders (bounded by the ``SHARED_RENDERS`` setting).
shared_renders = SharedRenders(0)


#: What a slot's output depends on besides its inputs: the language and time zone.
_scope = render_scope.current


def _shared(
    live: LiveTemplate,
    context: Context,
    previous: Rendered | None,
    changed: Iterable[str] | None,
    mutated: frozenset[str],
) -> Rendered:
    limits = setting("SHARED_RENDERS")
    if not limits["ENTRIES"] or (
        # Only names changed in place, none of which the memo keeps a result
        # for: nothing to take from it, nothing in it to refresh. Not a
        # stream's new rows where views inserting the same item share them.
        previous is not None
        and changed is not None
        and mutated.issuperset(changed)
        and mutated.isdisjoint(shared_renders.kept_names)
        and ROW_SEQUENCES.isdisjoint(changed)
    ):
        return live.render(context, previous=previous, changed=changed)
    shared_renders.size = limits["ENTRIES"]
    shared_renders.seconds = limits["SECONDS"]
    token = memo.enter(shared_renders, _scope, mutated)
    try:
        return live.render(context, previous=previous, changed=changed)
    finally:
        memo.leave(token)


class ViewRenderer:
    __slots__ = ("_trimmed", "_view", "engine", "extra", "in_thread", "live", "template", "tree")

    def __init__(self, view_cls: type[LiveView], request: HttpRequest) -> None:
        if not view_cls.template_name:
            raise ValueError(f"{view_cls.__qualname__} has no template_name")
        self.template = get_template(view_cls.template_name).template  # type: ignore[attr-defined]
        self.engine = self.template.engine
        watchdog.phase("compile")  # a stall here is Tether's, not the view's mount
        self.live: LiveTemplate = compile(self.template)
        watchdog.phase(None)
        self.extra: dict[str, Any] = {}
        for processor in self.engine.template_context_processors:
            self.extra.update(processor(request))
        # Trimmed to what the template reads after the first render, unless
        # the page has components: their templates may read any of it.
        self._trimmed = False
        # Set once a render touched the sync ORM; later renders go to a thread directly.
        self.in_thread = False
        # What the client holds now; None until the first render (or after an idle thaw).
        self.tree: Rendered | None = None
        # The view being rendered: components its template places join its set.
        self._view: LiveView | None = None

    def context(self, view: LiveView) -> Context:
        data = dict(self.extra)
        data.update(view.get_assigns())
        data["flash"] = view.flash
        data.update(view.stream_context())
        data[MOUNTER] = self
        data[PARENT] = view  # {% live_render %}'s parent (django/nested.py)
        return Context(data, autoescape=self.engine.autoescape)

    async def _render(
        self,
        live: LiveTemplate,
        context: Context,
        previous: Rendered | None,
        changed: Any,
        mutated: frozenset[str],
    ) -> Rendered:
        if not self.in_thread:
            watchdog.phase("render")  # a stall here is Tether's, not the view's handler
            try:
                return _shared(live, context, previous, changed, mutated)
            except SynchronousOnlyOperation:
                logger.info(
                    "%s renders through the sync ORM; rendering it in a thread from now on",
                    live,
                )
                self.in_thread = True
            finally:
                watchdog.phase(None)
        return await run_sync(live.render, context, previous=previous, changed=changed)

    async def render(
        self, view: LiveView, previous: Rendered | None = None, changed: set[str] | None = None
    ) -> Rendered:
        """The view's tree; then every component placed or changed since is rendered too."""
        components = components_of(view)
        if components is not None:
            components.begin(full=previous is None)
        self._view = view
        try:
            mutated = view.pop_mutated()
            tree = await self._render(self.live, self.context(view), previous, changed, mutated)
            components = components_of(view)
            if components is not None:
                await components.settle(self._render_component)
                if previous is None:
                    components.prune_unplaced()
            elif not self._trimmed:
                self._trim()
        finally:
            self._view = None
        return tree

    def _trim(self) -> None:
        """Keep only what the template reads: an open page should hold no
        permission wrapper or message storage it never shows."""
        self._trimmed = True
        deps = self.live.fragment.deps
        if not deps.any:
            self.extra = {k: v for k, v in self.extra.items() if k in deps.names}

    # -- components ------------------------------------------------------------

    def place(self, component: Any, ident: Any, assigns: dict[str, Any]) -> ComponentRef:
        """The ``Mounter`` of ``{% live_component %}`` tags (``templates/components.py``)."""
        view = self._view
        assert view is not None, "a component placed outside a render"
        components = components_of(view)
        if components is None:
            components = ComponentSet(view._host)
            object.__setattr__(view, "_components", components)
        return components.place(component, ident, assigns)

    async def _render_component(
        self, component: LiveComponent, previous: Rendered | None, changed: frozenset[str] | None
    ) -> Rendered:
        live = compile(get_template(type(component).template_name))
        data = dict(self.extra)
        data.update(component.get_assigns())
        data[MOUNTER] = self
        context = Context(data, autoescape=self.engine.autoescape)
        return await self._render(live, context, previous, changed, component.pop_mutated())

    def _components(self, view: LiveView) -> dict[str, Any] | None:
        components = components_of(view)
        if components is None:
            return None
        return components_wire(*components.take_changes())

    # -- what the client merges ------------------------------------------------

    async def join(
        self, view: LiveView, *, title: str | None, events: Sequence[tuple[str, Any]]
    ) -> Wire:
        """The join reply's ``rendered``: the whole tree."""
        self.tree = await self.render(view)
        out = message(
            None,
            self.tree,
            join=True,
            title=title,
            events=events,
            components=self._components(view),
        )
        view.streams_sent()
        return out

    async def update(
        self,
        view: LiveView,
        changed: set[str],
        *,
        events: Sequence[tuple[str, Any]] = (),
        reply: dict[str, Any] | None = None,
    ) -> Wire:
        """The diff after a handler: only the slots that read a changed name.

        With no tree yet (the view thawed after idling) the client gets the
        whole tree again."""
        old, new = self.tree, None
        components = components_of(view)
        if old is None or changed or (components is not None and components.dirty):
            new = await self.render(view, old, changed if old is not None else None)
            self.tree = new
        title = None
        if old is not None and "page_title" in changed:
            title = str(view.get_assigns().get("page_title", ""))
        out = message(
            old, new, title=title, events=events, reply=reply, components=self._components(view)
        )
        if new is not None:
            # The rows are in ``out`` now; the tree kept for the next diff drops them.
            view.streams_sent()
        return out
