"""Slots for Django's own nodes: a variable or opaque tag, ``if``, ``with``, ``autoescape``."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from django.template.base import (
    FilterExpression,
    Node,
    VariableDoesNotExist,
    VariableNode,
    render_value_in_context,
)
from django.template.context import Context

from tether.templates.conditions import Test, compile_condition
from tether.templates.deps import Deps
from tether.templates.fragment import Changed, Fragment, Slot, bind_values, with_memo
from tether.templates.lookups import SLOW, plain_lookups, resolve_plain
from tether.templates.rendered import Dynamic, Rendered


class _Grouping:
    """Whether numbers render with thousand separators (``USE_THOUSAND_SEPARATOR``).

    Set by the Django app (``django/apps.py``), which owns the settings; until
    then every number takes Django's own path."""

    on = True


_grouping = _Grouping()


def group_numbers(on: bool) -> None:
    _grouping.on = on


class NodeSlot(Slot):
    """A Django node rendered by Django itself: a variable or an opaque tag.

    A variable whose value is a plain ``str`` or ``int`` skips Django's
    localisation, which cannot change it (an ``int`` is grouped only with
    ``USE_THOUSAND_SEPARATOR``): the counter's number and a chat message's
    text are most of what a live page re-renders, and localising them was a
    fifth of a click's render."""

    __slots__ = ("lookups", "node", "variable")

    def __init__(self, node: Node, deps: Deps, *, sets: bool = False) -> None:
        super().__init__(deps, sets=sets)
        self.node = node
        self.variable = node.filter_expression if type(node) is VariableNode else None
        self.lookups = plain_lookups(self.variable)

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        variable = self.variable
        if variable is None:
            return str(self.node.render_annotated(context))
        value = SLOW if self.lookups is None else resolve_plain(context, self.lookups)
        if value is SLOW:
            try:
                value = variable.resolve(context)
            except Exception:
                # Django's own path, for its error handling and debug annotations.
                return str(self.node.render_annotated(context))
        kind = type(value)
        if kind is str:
            # What Django's escape() returns, without its lazy-string check
            # (a tenth of a broadcast's render) and its SafeString: the tree
            # holds output, which nothing escapes again.
            return escape(value) if context.autoescape else value
        if kind is int and not _grouping.on:
            return str(value)
        return str(render_value_in_context(value, context))


class IfSlot(Slot):
    """``{% if %}``: a nested tree for the branch taken, ``""`` when none is."""

    __slots__ = ("branches", "condition_deps", "tests")
    SHARES = True

    def __init__(self, branches: Sequence[tuple[Any, Fragment]], condition_deps: Deps) -> None:
        deps = condition_deps
        for _condition, fragment in branches:
            deps = deps | fragment.deps
        super().__init__(
            deps,
            walk=any(f.walk for _c, f in branches),
            sets=any(f.sets for _c, f in branches),
        )
        self.branches = tuple(branches)
        self.condition_deps = condition_deps
        self.tests: tuple[tuple[Test | None, Fragment], ...] = tuple(
            (None if c is None else compile_condition(c), f) for c, f in branches
        )

    def _choose(self, context: Context) -> Fragment | None:
        for test, fragment in self.tests:
            if test is None:
                return fragment
            try:
                match = test(context)
            except VariableDoesNotExist:
                match = None
            if match:
                return fragment
        return None

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        fragment: Fragment | None
        if changed is not None and prev is not None and not self.condition_deps.hit(changed):
            # The same branch as last time.
            if not isinstance(prev, Rendered):
                return prev
            fragment = next((f for _c, f in self.branches if f.statics is prev.statics), None)
            if fragment is None:
                fragment = self._choose(context)
        else:
            fragment = self._choose(context)
        if fragment is None:
            return ""
        return fragment.render(context, prev, changed)


class WithSlot(Slot):
    """``{% with %}``: names bound for a nested tree; values kept between renders."""

    __slots__ = ("body", "exprs", "names")
    SHARES = True

    def __init__(
        self, names: Sequence[str], exprs: Sequence[tuple[FilterExpression, Deps]], body: Fragment
    ) -> None:
        deps = body.deps.without(names)
        for _expr, expr_deps in exprs:
            deps = deps | expr_deps
        super().__init__(deps, walk=body.walk)
        self.names = tuple(names)
        self.exprs = tuple(exprs)
        self.body = body

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        old = prev if isinstance(prev, Rendered) and prev.statics is self.body.statics else None
        values, inner = bind_values(context, self.names, self.exprs, old, changed)
        with context.push(**dict(zip(self.names, values, strict=True))):
            tree = self.body.render(context, old, inner)
        return with_memo(tree, values)


class AutoescapeSlot(Slot):
    """``{% autoescape on|off %}``."""

    __slots__ = ("body", "setting")

    def __init__(self, setting: bool, body: Fragment) -> None:
        super().__init__(body.deps, walk=body.walk, sets=body.sets)
        self.setting = setting
        self.body = body

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        saved = context.autoescape
        context.autoescape = self.setting
        try:
            return self.body.render(context, prev, changed)
        finally:
            context.autoescape = saved
