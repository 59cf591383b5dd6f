"""Compiling a Django template's nodelist into fragments and slots.

``template.py`` owns the compiled templates and their caches; it hands the
compiler a ``Loader`` for what a template brings in (includes, blocks).

Text becomes statics. Variables and tags become slots that know the root names
they read. ``if``, ``for``, ``with``, ``include``, ``extends``/``block`` and
``autoescape`` become nested trees, ``live_component`` a component slot
(``components.py``); every other tag is rendered by Django as
one opaque slot, with the names its arguments read when it is one of Django's
own tags, or every name when it is not (unless it declares ``tether_reads``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.template import Engine
from django.template.base import (
    FilterExpression,
    Node,
    NodeList,
    Template,
    TextNode,
    Token,
    Variable,
    VariableNode,
)
from django.template.defaulttags import (
    AutoEscapeControlNode,
    CommentNode,
    CsrfTokenNode,
    CycleNode,
    DebugNode,
    FilterNode,
    FirstOfNode,
    ForNode,
    IfChangedNode,
    IfNode,
    LoadNode,
    LoremNode,
    NowNode,
    RegroupNode,
    ResetCycleNode,
    SpacelessNode,
    TemplateTagNode,
    URLNode,
    VerbatimNode,
    WidthRatioNode,
    WithNode,
)
from django.template.exceptions import TemplateDoesNotExist, TemplateSyntaxError
from django.template.library import TagHelperNode
from django.template.loader_tags import BlockNode, ExtendsNode, IncludeNode, construct_relative_path
from django.templatetags import i18n, l10n, static, tz

from tether.templates.components import ComponentSlot, LiveComponentNode
from tether.templates.deps import (
    ANY,
    NONE,
    Deps,
    condition_names,
    filter_expression_names,
    token_names,
    variable_names,
)
from tether.templates.fragment import Fragment, Slot
from tether.templates.inheritance import (
    BlockSlot,
    Compiled,
    ExtendsSlot,
    IncludeSlot,
    Loader,
    SuperSlot,
)
from tether.templates.loops import ForSlot
from tether.templates.slots import AutoescapeSlot, IfSlot, NodeSlot, WithSlot
from tether.templates.tags import LiveKeyNode

# Django's own tags whose output depends only on the names their arguments
# (and nested nodelists) read.
_PURE_TAGS: tuple[type[Node], ...] = (
    FilterNode,
    FirstOfNode,
    LoremNode,
    RegroupNode,
    SpacelessNode,
    URLNode,
    WidthRatioNode,
    i18n.TranslateNode,
    i18n.BlockTranslateNode,
    i18n.LanguageNode,
    i18n.GetAvailableLanguagesNode,
    i18n.GetLanguageInfoNode,
    i18n.GetLanguageInfoListNode,
    i18n.GetCurrentLanguageNode,
    i18n.GetCurrentLanguageBidiNode,
    l10n.LocalizeNode,
    static.StaticNode,
    static.PrefixNode,
    tz.LocalTimeNode,
    tz.TimezoneNode,
    tz.GetCurrentTimezoneNode,
)
# Tags whose output depends on how often they ran earlier in the same render.
_STATEFUL_TAGS: tuple[type[Node], ...] = (CycleNode, IfChangedNode, ResetCycleNode)
# Tags whose output changes with time or the outside world.
_VOLATILE_TAGS: tuple[type[Node], ...] = (NowNode, DebugNode)
# Attributes Django's tags keep the target of ``... as name`` in.
_AS_ATTRIBUTES = ("asvar", "var_name", "variable_name", "target_var", "varname", "variable")
_IGNORED_ATTRIBUTES = frozenset(("token", "origin"))
_MISSING = object()


def _names_of(expr: object) -> set[str]:
    if isinstance(expr, FilterExpression):
        return filter_expression_names(expr)
    return variable_names(expr)


class Compiler:
    """Compiles the nodelists of one template (or one block) into fragments."""

    def __init__(self, engine: Engine, loader: Loader, *, in_block: bool = False) -> None:
        self.engine = engine
        self.loader = loader
        self.in_block = in_block
        # Names assigned by ``... as name`` tags so far, and what they were computed from.
        self.aliases: dict[str, Deps] = {}
        self.bound: list[str] = []  # names bound by enclosing with/for
        self.loops: list[list[bool]] = []  # enclosing for loops: [volatile]
        self.nested_sets = False

    def reads(self, names: Iterable[str]) -> Deps:
        names = set(names)
        deps = Deps(frozenset(names))
        if self.in_block and "block" in names and "block" not in self.bound:
            # ``block`` inside a block renders the overridden block: it reads anything.
            deps = deps | ANY
        for name in names:
            alias = self.aliases.get(name)
            if alias is not None:
                deps = deps | alias
        return deps

    def fragment(self, nodelist: Iterable[Node]) -> Fragment:
        parts = [""]
        slots: list[Slot] = []
        for node in nodelist:
            piece = self.node(node)
            if isinstance(piece, str):
                parts[-1] += piece
            else:
                slots.append(piece)
                parts.append("")
        return Fragment(parts, slots)

    def node(self, node: Any) -> Slot | str:
        before = [loop[0] for loop in self.loops]
        piece = self._node(node)
        if not isinstance(piece, str) and any(
            loop[0] and not was for loop, was in zip(self.loops, before, strict=True)
        ):
            # A stateful tag inside ({% cycle %}): its output depends on the rows
            # before it, not only on the names it reads, so it is never shared.
            piece.shared_by = None
        return piece

    def _node(self, node: Any) -> Slot | str:
        # Exact types: a subclass may render differently, so it stays opaque.
        kind = type(node)
        if kind is TextNode:
            return str(node.s)
        if kind in (LoadNode, CommentNode, LiveKeyNode):
            return ""
        if kind is VerbatimNode:
            return str(node.content)
        if kind is TemplateTagNode:
            return str(TemplateTagNode.mapping.get(node.tagtype, ""))
        if kind is VariableNode:
            return self.variable(node)
        if kind is IfNode:
            return self.if_(node)
        if kind is ForNode:
            return self.for_(node)
        if kind is WithNode:
            return self.with_(node)
        if kind is IncludeNode:
            return self.include(node)
        if kind is ExtendsNode:
            return ExtendsSlot(self.loader, node, self.reads(_names_of(node.parent_name)))
        if kind is BlockNode:
            return BlockSlot(self.loader, node)
        if kind is AutoEscapeControlNode:
            return AutoescapeSlot(bool(node.setting), self.fragment(node.nodelist))
        if kind is LiveComponentNode:
            exprs = [node.component, node.ident, *node.kwargs.values()]
            return ComponentSlot(node, self.reads(set().union(*map(_names_of, exprs))))
        return self.opaque(node)

    def variable(self, node: VariableNode) -> Slot:
        expr = node.filter_expression
        var = expr.var
        if (
            self.in_block
            and "block" not in self.bound
            and isinstance(var, Variable)
            and var.lookups == ("block", "super")
            and not expr.filters
        ):
            return SuperSlot(self.loader, node)
        return NodeSlot(node, self.reads(filter_expression_names(expr)))

    def if_(self, node: Any) -> Slot:
        branches: list[tuple[Any, Fragment]] = []
        names: set[str] = set()
        for condition, nodelist in node.conditions_nodelists:
            names |= condition_names(condition)
            branches.append((condition, self.fragment(nodelist)))
        return IfSlot(branches, self.reads(names))

    def for_(self, node: Any) -> Slot:
        sequence_deps = self.reads(filter_expression_names(node.sequence))
        loopvars = list(node.loopvars)
        volatile = [False]
        self.loops.append(volatile)
        self.bound.extend([*loopvars, "forloop"])
        try:
            body = self.fragment(node.nodelist_loop)
            key = None
            for child in node.nodelist_loop:
                if isinstance(child, LiveKeyNode):
                    key = (child.expr, self.reads(filter_expression_names(child.expr)))
                    break
        finally:
            del self.bound[-len(loopvars) - 1 :]
            self.loops.pop()
        empty = self.fragment(node.nodelist_empty) if len(node.nodelist_empty) else None
        return ForSlot(
            loopvars, node.sequence, node.is_reversed, sequence_deps, body, empty, key, volatile[0]
        )

    def with_(self, node: Any) -> Slot:
        names = list(node.extra_context)
        exprs = [(expr, self.reads(_names_of(expr))) for expr in node.extra_context.values()]
        self.bound.extend(names)
        try:
            body = self.fragment(node.nodelist)
        finally:
            del self.bound[len(self.bound) - len(names) :]
        return WithSlot(names, exprs, body)

    def include(self, node: Any) -> Slot:
        expr: Any = node.template
        names = list(node.extra_context)
        exprs = [(e, self.reads(_names_of(e))) for e in node.extra_context.values()]
        template: Template | None = None
        body: Compiled | None = None
        if isinstance(expr, FilterExpression) and isinstance(expr.var, str) and not expr.filters:
            try:
                name = construct_relative_path(node.origin.template_name, expr.var)
                template = self.engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError):
                template = None  # Django raises when it renders; so will we
        if template is not None:
            if self.loader.compiling(template):
                template = None  # recursive include: resolved while rendering
            else:
                body = self.loader.template(template)
        deps = self.reads(_names_of(expr))
        return IncludeSlot(self.loader, node, template, body, names, exprs, deps)

    def opaque(self, node: Node) -> Slot:
        declared: Any = getattr(node, "tether_reads", _MISSING)
        self.nested_sets = False
        deps: Deps
        if declared is not _MISSING:
            if declared is None or declared == "*":
                deps = ANY
            else:
                deps = self.reads(declared)
        elif isinstance(node, CsrfTokenNode):
            deps = self.reads(("csrf_token",))
        elif isinstance(node, _STATEFUL_TAGS):
            for loop in self.loops:
                loop[0] = True
            deps = self.generic(node) | (NONE if self.loops else ANY)
        elif isinstance(node, _VOLATILE_TAGS):
            deps = self.generic(node) | ANY
        elif type(node) in _PURE_TAGS:
            deps = self.generic(node)
        elif isinstance(node, TagHelperNode):
            # simple_tag / inclusion_tag: a function of its arguments.
            deps = self.generic(node)
            if node.takes_context:
                deps = deps | ANY
        else:
            deps = ANY
        sets = self.assigned_names(node)
        for name in sets:
            self.aliases[name] = self.aliases.get(name, NONE) | deps
        return NodeSlot(node, deps, sets=bool(sets) or self.nested_sets)

    @staticmethod
    def assigned_names(node: Node) -> list[str]:
        declared = getattr(node, "tether_sets", None)
        if declared is not None:
            return list(declared)
        names = []
        for attribute in _AS_ATTRIBUTES:
            value = getattr(node, attribute, None)
            if isinstance(value, str) and value:
                names.append(value)
        return names

    def generic(self, node: Node) -> Deps:
        """Names read by a Django tag: its expressions, tokens and nested nodelists.

        Sets ``self.nested_sets`` when a nested nodelist assigns names.
        """
        names: set[str] = set()
        nested = NONE
        bound: set[str] = set()
        extra = getattr(node, "extra_context", None)
        if isinstance(extra, dict):
            bound |= set(extra)
        counter = getattr(node, "countervar", None)
        if isinstance(counter, str):
            bound.add(counter)

        def collect(value: object, depth: int) -> None:
            nonlocal nested
            if isinstance(value, (FilterExpression, Variable)):
                names.update(_names_of(value))
            elif isinstance(value, NodeList):
                fragment = self.fragment(value)
                nested = nested | fragment.deps
                self.nested_sets = self.nested_sets or fragment.sets
            elif isinstance(value, Token):
                names.update(token_names(value))
            elif depth < 3 and isinstance(value, (list, tuple)):
                for item in value:
                    collect(item, depth + 1)
            elif depth < 3 and isinstance(value, dict):
                for item in value.values():
                    collect(item, depth + 1)

        for attribute, value in vars(node).items():
            if attribute not in _IGNORED_ATTRIBUTES:
                collect(value, 0)
        return (self.reads(names) | nested).without(bound)
