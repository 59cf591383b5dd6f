"""Rendering a live view's template into a ``Rendered`` tree.

Streams (``tether.streams``) are handed to the template as ``streams`` and
forgotten once the diff that carries their rows is built.

Context processors run once per mount: their values (``user``, ``csrf_token``,
``request``...) do not change while the view lives, so re-renders only pay
for the assigns that changed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import SynchronousOnlyOperation
from django.template import Context
from django.template.loader import get_template

from tether import watchdog
from tether.sync import run_sync
from tether.templates import LiveTemplate, Rendered, compile, message

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tether.view import LiveView

logger = logging.getLogger("tether.render")

Wire = dict[str, Any]


class ViewRenderer:
    __slots__ = ("engine", "extra", "in_thread", "live", "template", "tree")

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
        deps = self.live.fragment.deps
        if not deps.any:
            # Keep only what the template reads: an open page should hold no
            # permission wrapper or message storage it never shows.
            self.extra = {k: v for k, v in self.extra.items() if k in deps.names}
        # Set once a render touched the sync ORM; later renders go to a thread directly.
        self.in_thread = False
        # What the client holds now; None until the first render (or after an idle thaw).
        self.tree: Rendered | None = None

    def context(self, view: LiveView) -> Context:
        data = dict(self.extra)
        data.update(view.get_assigns())
        data["flash"] = view.flash
        data.update(view.stream_context())
        return Context(data, autoescape=self.engine.autoescape)

    async def render(
        self, view: LiveView, previous: Rendered | None = None, changed: set[str] | None = None
    ) -> Rendered:
        if not self.in_thread:
            watchdog.phase("render")
            try:
                return self.live.render(self.context(view), previous=previous, changed=changed)
            except SynchronousOnlyOperation:
                logger.info(
                    "%s renders through the sync ORM; rendering it in a thread from now on",
                    type(view).__qualname__,
                )
                self.in_thread = True
            finally:
                watchdog.phase(None)
        return await run_sync(
            self.live.render, self.context(view), previous=previous, changed=changed
        )

    # -- what the client merges ------------------------------------------------

    async def join(
        self, view: LiveView, *, title: str | None, events: Sequence[tuple[str, Any]]
    ) -> Wire:
        """The join reply's ``rendered``: the whole tree."""
        self.tree = await self.render(view)
        out = message(None, self.tree, join=True, title=title, events=events)
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
        if old is None or changed:
            new = await self.render(view, old, changed if old is not None else None)
            self.tree = new
        title = None
        if old is not None and "page_title" in changed:
            title = str(view.get_assigns().get("page_title", ""))
        out = message(old, new, title=title, events=events, reply=reply)
        if new is not None:
            # The rows are in ``out`` now; the tree kept for the next diff drops them.
            view.streams_sent()
        return out
