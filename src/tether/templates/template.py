"""Compiled templates and their caches: ``compile(template)`` gives a ``LiveTemplate``.

One ``LiveTemplate`` per Django ``Template`` object, and one compiled fragment
per ``{% block %}`` node, both held weakly: when Django drops a template (its
loader cache is cleared), its compiled form goes with it. The caches are the
``Loader`` the compiler and the inheritance slots use for what a template
brings in, so they never import this module.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

from django.template import Engine
from django.template.base import Template, TextNode
from django.template.context import Context
from django.template.loader_tags import BlockNode, ExtendsNode

from tether.templates.compiler import Compiler
from tether.templates.fragment import Changed, Fragment
from tether.templates.rendered import Rendered


class LiveTemplate:
    """A compiled template. ``render`` gives a ``Rendered`` tree; see ``diff``."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.fragment = Compiler(template.engine, _LOADER).fragment(template.nodelist)
        self.own_blocks = _own_blocks(template)

    def render(
        self,
        context: Context,
        previous: Rendered | None = None,
        changed: Iterable[str] | None = None,
    ) -> Rendered:
        """Render like ``Template.render``.

        With ``previous`` and ``changed`` (the root names assigned since
        ``previous`` was rendered), only what reads a changed name is evaluated
        again; the rest of ``previous`` is reused.
        """
        names = None if changed is None else frozenset(changed)
        if previous is not None and names is not None and not names:
            return previous
        return self.render_nested(context, previous, names)

    def render_nested(self, context: Context, prev: Rendered | None, changed: Changed) -> Rendered:
        """What ``Template.render`` does to the context around the nodelist.

        Django's ``push_state`` and a plain ``Context``'s ``bind_template``
        written out: as generator context managers they were a twentieth of a
        broadcast's render. A ``RequestContext`` binds through Django, for its
        context processors."""
        template = self.template
        render_context = context.render_context
        initial = render_context.template
        render_context.template = template
        render_context.push()
        try:
            if context.template is not None:
                return self.fragment.render(context, prev, changed)
            if type(context) is not Context:
                with context.bind_template(template):
                    context.template_name = template.name
                    return self.fragment.render(context, prev, changed)
            context.template = template
            try:
                context.template_name = template.name
                return self.fragment.render(context, prev, changed)
            finally:
                context.template = None
        finally:
            render_context.template = initial
            render_context.pop()

    def __repr__(self) -> str:
        return f"<LiveTemplate {self.template.name or self.template.source[:20]!r}>"


def _own_blocks(template: Template) -> dict[str, BlockNode] | None:
    """The blocks a template adds when it is the root of an ``extends`` chain."""
    for node in template.nodelist:
        if not isinstance(node, TextNode):
            if isinstance(node, ExtendsNode):
                return None
            blocks: list[Any] = template.nodelist.get_nodes_by_type(BlockNode)
            return {n.name: n for n in blocks}
    return {}


class _Cache:
    """The ``Loader`` (see ``inheritance``): compiled templates and blocks, held weakly."""

    def __init__(self) -> None:
        self.templates: weakref.WeakKeyDictionary[Template, LiveTemplate] = (
            weakref.WeakKeyDictionary()
        )
        self.blocks: weakref.WeakKeyDictionary[BlockNode, Fragment] = weakref.WeakKeyDictionary()
        self.in_progress: set[Template] = set()

    def template(self, template: Template) -> LiveTemplate:
        live = self.templates.get(template)
        if live is None:
            self.in_progress.add(template)
            try:
                live = LiveTemplate(template)
            finally:
                self.in_progress.discard(template)
            self.templates[template] = live
        return live

    def compiling(self, template: Template) -> bool:
        return template in self.in_progress

    def block(self, node: BlockNode, engine: Engine) -> Fragment:
        fragment = self.blocks.get(node)
        if fragment is None:
            fragment = Compiler(engine, self, in_block=True).fragment(node.nodelist)
            self.blocks[node] = fragment
        return fragment


_LOADER = _Cache()


def compile(template: Any) -> LiveTemplate:
    """The compiled form of a template (cached per template object).

    Accepts ``django.template.base.Template`` or the Django backend's wrapper.
    """
    base: Template = template if isinstance(template, Template) else template.template
    return _LOADER.template(base)
