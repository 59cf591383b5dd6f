"""Slots that bring in other templates: ``{% include %}``, ``{% extends %}``, ``{% block %}``.

They reproduce what Django's loader tags do to the context and render context
(block stacks, ``push_state``) and render the compiled form of whatever
template or block Django would have rendered. Compiling that form is the job of
``template.py``, which sits above this module: it hands each slot a ``Loader``
(its caches), so imports only go down.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django.template import Engine
from django.template.base import FilterExpression, Template
from django.template.context import Context
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    IncludeNode,
    construct_relative_path,
)

from tether.templates.deps import ANY, Deps
from tether.templates.fragment import Changed, Fragment, Slot, bind_values, with_memo
from tether.templates.rendered import Dynamic, Rendered


class Compiled(Protocol):
    """What these slots use of a compiled template (``template.LiveTemplate``)."""

    fragment: Fragment
    own_blocks: dict[str, BlockNode] | None

    def render_nested(
        self, context: Context, prev: Rendered | None, changed: Changed
    ) -> Rendered: ...


class Loader(Protocol):
    """The compiled forms of templates and blocks, cached (``template.py``)."""

    def template(self, template: Template) -> Compiled:
        """The compiled ``template``."""
        ...

    def compiling(self, template: Template) -> bool:
        """Whether ``template`` is being compiled now: an include of it is recursive."""
        ...

    def block(self, node: BlockNode, engine: Engine) -> Fragment:
        """The compiled body of a block."""
        ...


def _engine(context: Context) -> Any:
    template: Any = context.template
    return template.engine


class IncludeSlot(Slot):
    """``{% include %}``: the included template's tree, nested."""

    __slots__ = ("exprs", "isolated", "loader", "names", "node", "template")
    SHARES = True

    def __init__(
        self,
        loader: Loader,
        node: IncludeNode,
        template: Template | None,
        body: Compiled | None,
        names: Sequence[str],
        exprs: Sequence[tuple[FilterExpression, Deps]],
        name_deps: Deps,
    ) -> None:
        deps = name_deps
        for _expr, expr_deps in exprs:
            deps = deps | expr_deps
        walk = False
        if body is None:
            deps = deps | ANY
            walk = True
        elif not node.isolated_context:
            deps = deps | body.fragment.deps.without(names)
            walk = body.fragment.walk
        super().__init__(deps, walk=walk)
        self.loader = loader
        self.node = node
        self.template = template
        self.names = tuple(names)
        self.exprs = tuple(exprs)
        self.isolated = node.isolated_context

    def _resolve(self, context: Context) -> Template:
        node: Any = self.node
        target = node.template.resolve(context)
        if callable(getattr(target, "render", None)):
            # A backend wrapper holds the engine's template in .template.
            return getattr(target, "template", target)  # type: ignore[no-any-return]
        names = target or ()
        if isinstance(names, str):
            names = (construct_relative_path(node.origin.template_name, names),)
        else:
            names = tuple(names)
        first: Any = context.render_context.dicts[0]
        cache = first.setdefault(node, {})
        template = cache.get(names)
        if template is None:
            template = _engine(context).select_template(names)
            cache[names] = template
        return template  # type: ignore[no-any-return]

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        template = self.template if self.template is not None else self._resolve(context)
        live = self.loader.template(template)
        old = prev if isinstance(prev, Rendered) and prev.statics is live.fragment.statics else None
        values, inner = bind_values(context, self.names, self.exprs, old, changed)
        if inner is not None and self.isolated:
            # Only the bound values are visible inside.
            inner = inner.intersection(self.names)
        bound = dict(zip(self.names, values, strict=True))
        if self.isolated:
            tree = live.render_nested(context.new(bound), old, inner)
        else:
            with context.push(**bound):
                tree = live.render_nested(context, old, inner)
        return with_memo(tree, values)


class ExtendsSlot(Slot):
    """``{% extends %}``: the parent's tree, with this template's blocks stacked in."""

    __slots__ = ("loader", "node")

    def __init__(self, loader: Loader, node: ExtendsNode, name_deps: Deps) -> None:
        super().__init__(name_deps, walk=True)
        self.loader = loader
        self.node = node

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        parent = self.node.get_parent(context)
        live = self.loader.template(parent)
        render_context = context.render_context
        if BLOCK_CONTEXT_KEY not in render_context:
            render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        blocks: BlockContext = render_context[BLOCK_CONTEXT_KEY]
        blocks.add_blocks(self.node.blocks)
        if live.own_blocks is not None:
            blocks.add_blocks(live.own_blocks)
        with render_context.push_state(parent, isolated_context=False):
            return live.fragment.render(context, prev, changed)


def render_block(
    loader: Loader, node: BlockNode, context: Context, prev: Dynamic | None, changed: Changed
) -> Rendered:
    """What ``BlockNode.render`` does, rendering the compiled block it picks."""
    blocks: BlockContext | None = context.render_context.get(BLOCK_CONTEXT_KEY)
    pushed = blocks.pop(node.name) if blocks is not None else None
    try:
        chosen = pushed if pushed is not None else node
        fragment = loader.block(chosen, _engine(context))
        old = prev if isinstance(prev, Rendered) and prev.statics is fragment.statics else None
        if old is not None and changed is not None and not fragment.hit(changed):
            return old
        with context.push():
            if blocks is None:
                context["block"] = node
            else:
                # A fresh node per render holds the context, as Django does.
                block: Any = type(node)(chosen.name, chosen.nodelist)
                block.context = context
                context["block"] = block
            return fragment.render(context, old, changed)
    finally:
        if pushed is not None and blocks is not None:
            blocks.push(node.name, pushed)


class BlockSlot(Slot):
    """``{% block %}``: the most derived override of this block, nested."""

    __slots__ = ("loader", "node")

    def __init__(self, loader: Loader, node: BlockNode) -> None:
        super().__init__(walk=True)
        self.loader = loader
        self.node = node

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        return render_block(self.loader, self.node, context, prev, changed)


class SuperSlot(Slot):
    """``{{ block.super }}``: the overridden block, nested rather than flattened."""

    __slots__ = ("loader", "node")

    def __init__(self, loader: Loader, node: Any) -> None:
        super().__init__(walk=True)
        self.loader = loader
        self.node = node

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        block = context.get("block")
        render_context = context.render_context
        if (
            not isinstance(block, BlockNode)
            or getattr(block, "context", None) is not context
            or BLOCK_CONTEXT_KEY not in render_context
        ):
            return str(self.node.render_annotated(context))
        if render_context[BLOCK_CONTEXT_KEY].get_block(block.name) is None:
            return ""
        return render_block(self.loader, block, context, prev, changed)
