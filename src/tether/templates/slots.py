"""Slots for Django's own nodes: a variable or opaque tag, ``if``, ``with``, ``autoescape``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.base import FilterExpression, Node, VariableDoesNotExist
from django.template.context import Context

from tether.templates.deps import Deps
from tether.templates.fragment import Changed, Fragment, Slot, bind_values, with_memo
from tether.templates.rendered import Dynamic, Rendered


class NodeSlot(Slot):
    """A Django node rendered by Django itself: a variable or an opaque tag."""

    __slots__ = ("node",)

    def __init__(self, node: Node, deps: Deps, *, sets: bool = False) -> None:
        super().__init__(deps, sets=sets)
        self.node = node

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        return str(self.node.render_annotated(context))


class IfSlot(Slot):
    """``{% if %}``: a nested tree for the branch taken, ``""`` when none is."""

    __slots__ = ("branches", "condition_deps")
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

    def _choose(self, context: Context) -> Fragment | None:
        for condition, fragment in self.branches:
            if condition is None:
                return fragment
            try:
                match = condition.eval(context)
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
