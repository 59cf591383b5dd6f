"""Fragments: compiled nodelists, static text interleaved with slots.

``Fragment.render(context, prev, changed)`` builds a ``Rendered``. With a
previous tree and the set of root names that changed since it was built, a
slot whose names were not changed is not evaluated at all: its previous value
is reused by reference. ``changed=None`` evaluates everything.

Each slot (``slots``, ``loops``, ``inheritance``) mirrors what the Django node
it replaces does to the context, in the same order, so the HTML is the same as
Django's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.base import FilterExpression
from django.template.context import Context

from tether.templates.deps import NONE, Deps
from tether.templates.memo import current
from tether.templates.rendered import Dynamic, Rendered, Row, Statics

Changed = frozenset[str] | None


class Slot:
    """A hole in a fragment's statics.

    ``deps``: the names it reads. ``walk``: what it reads is only known while
    rendering (blocks, extends), so it is visited on every change. ``sets``: it
    assigns context names (``{% url ... as x %}``) that later slots may need, so
    it runs whenever its fragment is visited.
    """

    __slots__ = ("deps", "sets", "shared_by", "walk")

    #: Whether its renders are worth sharing between views (``memo``): those
    #: that build subtrees (loops, branches, includes), not a lone variable,
    #: which renders about as fast as the memo finds it.
    SHARES = False

    def __init__(self, deps: Deps = NONE, *, walk: bool = False, sets: bool = False) -> None:
        self.deps = deps
        self.walk = walk
        self.sets = sets
        #: The names its output is a function of, when known: its renders can be
        #: shared between views (``memo``). Not for ``forloop``, one dict
        #: changed in place from row to row.
        self.shared_by: tuple[str, ...] | None = None
        if self.SHARES and not (walk or sets or deps.any or "forloop" in deps.names):
            self.shared_by = tuple(sorted(deps.names))

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        raise NotImplementedError


class Fragment:
    """A compiled nodelist: ``statics`` and one slot per hole."""

    __slots__ = ("deps", "sets", "slots", "statics", "walk")

    def __init__(self, parts: Sequence[str], slots: Sequence[Slot]) -> None:
        assert len(parts) == len(slots) + 1
        self.statics = Statics(parts)
        self.slots = tuple(slots)
        deps = NONE
        for slot in self.slots:
            deps = deps | slot.deps
        self.deps = deps
        self.walk = any(slot.walk for slot in self.slots)
        self.sets = any(slot.sets for slot in self.slots)

    def hit(self, changed: frozenset[str]) -> bool:
        """Whether anything in this fragment must run after ``changed`` changed."""
        return bool(changed) and (self.walk or self.sets or self.deps.hit(changed))

    def evaluate(self, context: Context, prev: Row | None, changed: Changed) -> Row:
        """The dynamics of one render; ``prev`` itself when none changed."""
        sharing = current()
        full = prev is None or changed is None
        if full and sharing is None:
            return tuple([slot.render(context, None, None) for slot in self.slots])
        out: list[Dynamic] = []
        same = True
        for i, slot in enumerate(self.slots):
            old = None if full else prev[i]  # type: ignore[index]
            if full or slot.walk or slot.sets or slot.deps.hit(changed):  # type: ignore[arg-type]
                if sharing is None or slot.shared_by is None:
                    value = slot.render(context, old, changed)
                else:  # the process memo's value for views given the same inputs
                    value = sharing.render(slot, context, old, changed)
                if value is not old:
                    if isinstance(value, str) and isinstance(old, str) and value == old:
                        value = old
                    else:
                        same = False
                out.append(value)
            else:
                out.append(old)  # type: ignore[arg-type]
        # A tuple: smaller than a list, and one holding only strings is one the
        # collector stops tracking, for as long as the tree keeps it.
        return prev if same and prev is not None else tuple(out)

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Rendered:
        old = prev if isinstance(prev, Rendered) and prev.statics is self.statics else None
        if old is None or changed is None:
            return Rendered(self.statics, self.evaluate(context, None, None))
        if not self.hit(changed):
            return old
        dynamics = self.evaluate(context, old.dynamics, changed)
        if dynamics is old.dynamics:
            return old
        return Rendered(self.statics, dynamics)


def with_memo(tree: Rendered, memo: object) -> Rendered:
    if tree.memo is memo:
        return tree
    return Rendered(tree.statics, tree.dynamics, memo)


def bind_values(
    context: Context,
    names: tuple[str, ...],
    exprs: tuple[tuple[FilterExpression, Deps], ...],
    old: Rendered | None,
    changed: Changed,
) -> tuple[list[Any], Changed]:
    """Values for names bound around a nested tree, re-resolving only changed ones.

    Returns the values and the change set seen inside: outer names the binding
    shadows are removed, bound names whose expression changed are added.
    """
    if old is None or changed is None or not isinstance(old.memo, list):
        return [expr.resolve(context) for expr, _deps in exprs], None
    values = list(old.memo)
    dirty: list[str] = []
    for i, (expr, deps) in enumerate(exprs):
        if deps.hit(changed):
            values[i] = expr.resolve(context)
            dirty.append(names[i])
    return values, changed.difference(names).union(dirty)
