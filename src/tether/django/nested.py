"""``{% live_render "app.views.Sidebar" id="sidebar" session=... sticky=True %}``.

A child live view inside its parent's template. The first argument names the
view: a dotted path in quotes, or a ``LiveView`` class in the context. ``id``
is required and is the container's id, unique on the page; ``session`` (a dict
of JSON values) becomes the keyword arguments of the child's ``mount``;
``sticky=True`` keeps the child alive across live navigation.

The container follows what the pinned client expects of a nested view:

- dead render: the child mounts and renders inside it, as the page does. A
  non-sticky child carries no session token yet (the parent's connected render
  hands the client one: a dead token would be the oldest one the page holds);
  a sticky child is joined by the client as a root view, straight from the dead
  page, so it carries its token at once.
- connected render: an empty container with a fresh session token. The
  client keeps the child's DOM as it is while patching the parent, and joins
  the child on ``lv:<id>``, without a URL of its own.
- a non-sticky child names its parent (``data-phx-parent-id``); a sticky one
  is marked ``data-phx-sticky`` instead, which makes it a root of its own that
  the client carries over when live navigation replaces the page's view.

The tag cannot mount a child in the middle of a synchronous template render,
so in the dead render it leaves a marker, and ``render_deferred`` mounts and
renders each child once the parent's HTML is done (children of children
too). In the connected render the container is built once per set of
arguments (``FamilyMixin.child_html``): the parent's later renders give the
client the same string, so no diff carries it again.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.template import Context, TemplateSyntaxError
from django.template.base import FilterExpression, Node, Parser, Token
from django.utils.html import format_html
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from tether import protocol, tokens
from tether.django.components_tags import tag_arguments
from tether.errors import NestingError
from tether.family import PARENT, FamilyMixin, Placement
from tether.rendering import ViewRenderer
from tether.sync import call

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tether.view import LiveView


@dataclass(frozen=True, slots=True)
class Child:
    """One ``{% live_render %}`` as its arguments resolved."""

    view_cls: type[LiveView]
    element_id: str
    session: dict[str, Any]
    sticky: bool


def child_placement(parent: Placement, element_id: str) -> Placement:
    return Placement(
        element_id,
        f"{parent.key}/{element_id}",
        parent.element_id,
        parent.user_id,
        parent.browser,
    )


def child_token(parent: Placement, child: Child, url: str) -> str:
    return tokens.sign_child(
        tokens.ChildToken(
            view=tokens.view_path(child.view_cls),
            element_id=child.element_id,
            parent_id=parent.element_id,
            key=f"{parent.key}/{child.element_id}",
            user_id=parent.user_id,
            browser=parent.browser,
            url=url,
            session=child.session,
            sticky=child.sticky,
        )
    )


def container(child: Child, *, session: str, static: str, parent_id: str, inner: str) -> str:
    kin = (protocol.ATTR_STICKY, "") if child.sticky else (protocol.ATTR_PARENT_ID, parent_id)
    return format_html(
        '<div id="{}" {}="{}" {}="{}" {}="{}">{}</div>',
        child.element_id,
        protocol.ATTR_SESSION,
        session,
        protocol.ATTR_STATIC,
        static,
        *kin,
        mark_safe(inner),  # the child's template output, escaped by it already
    )


class LiveRenderNode(Node):
    child_nodelists = ()

    def __init__(
        self, view: FilterExpression, ident: FilterExpression, kwargs: dict[str, FilterExpression]
    ) -> None:
        self.view = view
        self.ident = ident
        self.session = kwargs.pop("session", None)
        self.sticky = kwargs.pop("sticky", None)
        # The compiler re-renders the tag only when a name its arguments read changes.
        names: list[str] | None = []
        for expr in (view, ident, self.session, self.sticky):
            if expr is None:
                continue
            if expr.filters:
                names = None  # a filter's arguments may read anything
                break
            lookups = getattr(expr.var, "lookups", None)
            if names is not None and lookups:
                names.append(str(lookups[0]))
        self.tether_reads: tuple[str, ...] | str = "*" if names is None else tuple(names)

    def resolve(self, context: Context) -> Child:
        view = self.view.resolve(context)
        if isinstance(view, str):
            try:
                view = import_string(view)
            except ImportError as exc:
                raise NestingError(f"{{% live_render %}} cannot import {view!r}: {exc}") from None
        if not (isinstance(view, type) and issubclass(view, FamilyMixin)):
            raise NestingError(
                f"{{% live_render %}} needs a LiveView class or its dotted path, not {view!r}"
            )
        element_id = str(self.ident.resolve(context) or "")
        if not element_id:
            raise NestingError("{% live_render %} needs a non-empty id, unique on the page")
        session = self.session.resolve(context) if self.session is not None else None
        if session is not None and not isinstance(session, dict):
            raise NestingError(f"{{% live_render %}} session= takes a dict, not {session!r}")
        try:
            json.dumps(session)
        except (TypeError, ValueError):
            raise NestingError(
                f"{{% live_render %}} session= travels in a signed token: give it JSON values "
                f"(str, numbers, bools, None, lists, dicts), not {session!r}"
            ) from None
        sticky = bool(self.sticky.resolve(context)) if self.sticky is not None else False
        return Child(cast("type[LiveView]", view), element_id, dict(session or {}), sticky)

    def render(self, context: Context) -> SafeString:
        parent: LiveView | None = context.get(PARENT)
        placement = parent.placement if parent is not None else None
        if parent is None or placement is None:
            raise NestingError(
                "{% live_render %} renders only in a live view's template "
                "(not in a layout, a component, or a tag Tether renders opaquely)"
            )
        child = self.resolve(context)
        if not parent.connected:
            marker = f"<!--tether-child:{secrets.token_hex(8)}-->"
            parent.defer_child(marker, child)
            return mark_safe(marker)
        key = (child.element_id, child.view_cls, child.sticky, json.dumps(child.session))
        request = parent.request

        def build() -> str:
            if not _allowed(child, request):
                return ""
            return container(
                child,
                session=child_token(placement, child, request.build_absolute_uri()),
                static="",
                parent_id=placement.element_id,
                inner="",
            )

        return mark_safe(parent.child_html(key, build))


def _allowed(child: Child, request: HttpRequest) -> bool:
    """A child the user may not see is left out: its join would be refused, and a
    refused child makes the client reload the page, again and again."""
    probe = child.view_cls()
    probe.request = request
    return probe.has_access(request)


def live_render(parser: Parser, token: Token) -> LiveRenderNode:
    tag, view, kwargs, ident = tag_arguments(parser, token, "view", "sidebar")
    unknown = set(kwargs) - {"session", "sticky"}
    if unknown:
        raise TemplateSyntaxError(f"'{tag}' takes id, session and sticky, not {sorted(unknown)}")
    return LiveRenderNode(view, ident, kwargs)


async def render_deferred(view: LiveView, html: str) -> str:
    """The dead render's children (and theirs), mounted and rendered in place of their markers."""
    placement = view.placement
    deferred = view.take_deferred()
    ids = [child.element_id for _marker, child in deferred]
    if len(set(ids)) < len(ids):
        raise NestingError(
            f"{type(view).__qualname__} renders two child views with one id "
            f"(among {sorted(ids)}): give each {{% live_render %}} its own id"
        )
    for marker, child in deferred:
        assert placement is not None
        html = html.replace(marker, await _render_dead_child(view, placement, child), 1)
    return html


async def _render_dead_child(parent: LiveView, placement: Placement, child: Child) -> str:
    request = parent.request
    url = request.build_absolute_uri()
    if not _allowed(child, request):
        return ""
    live = child.view_cls()
    live.request = request
    live.place(child_placement(placement, child.element_id))
    await call(live.mount, request, **child.session)
    await call(live.handle_params, request.GET, url)
    inner = (await ViewRenderer(child.view_cls, request).render(live)).to_html()
    inner = await render_deferred(live, inner)
    return container(
        child,
        # A sticky child is joined from the dead page; another one gets its
        # token from the parent's connected render.
        session=child_token(placement, child, url) if child.sticky else "",
        static=tokens.sign_static(child.element_id),
        parent_id=placement.element_id,
        inner=inner,
    )
