"""Compiled template pieces: fragments and the slots between their statics.

A ``Fragment`` is a compiled nodelist: static text interleaved with slots.
``Fragment.render(context, prev, changed)`` builds a ``Rendered``. With a
previous tree and the set of root names that changed since it was built, a
slot whose names were not changed is not evaluated at all: its previous value
is reused by reference. ``changed=None`` evaluates everything.

Each slot mirrors what the Django node it replaces does to the context, in the
same order, so the HTML is the same as Django's.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Hashable, Sequence
from typing import Any

from django.template.base import FilterExpression, Node, VariableDoesNotExist
from django.template.context import Context

from tether.templates.deps import NONE, Deps
from tether.templates.rendered import Comprehension, Dynamic, Rendered, Row, Statics

Changed = frozenset[str] | None


class Slot:
    """A hole in a fragment's statics.

    ``deps``: the names it reads. ``walk``: what it reads is only known while
    rendering (blocks, extends), so it is visited on every change. ``sets``: it
    assigns context names (``{% url ... as x %}``) that later slots may need, so
    it runs whenever its fragment is visited.
    """

    __slots__ = ("deps", "sets", "walk")

    def __init__(self, deps: Deps = NONE, *, walk: bool = False, sets: bool = False) -> None:
        self.deps = deps
        self.walk = walk
        self.sets = sets

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
        if prev is None or changed is None:
            return [slot.render(context, None, None) for slot in self.slots]
        out: list[Dynamic] = []
        same = True
        for slot, old in zip(self.slots, prev, strict=True):
            if slot.walk or slot.sets or slot.deps.hit(changed):
                value = slot.render(context, old, changed)
                if value is not old:
                    if isinstance(value, str) and isinstance(old, str) and value == old:
                        value = old
                    else:
                        same = False
                out.append(value)
            else:
                out.append(old)
        return prev if same else out

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


_ATOMS = (
    str,
    int,
    float,
    bool,
    type(None),
    decimal.Decimal,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    uuid.UUID,
    bytes,
)


def snapshot(item: object) -> object:
    """A shallow copy to compare a loop item with its previous render.

    Catches items replaced or changed in place at their first level; data
    nested deeper is compared by identity (see docs/templates.md).
    """
    kind = type(item)
    if kind is dict:
        return item.copy()  # type: ignore[attr-defined]
    if isinstance(item, _ATOMS):
        return item
    if isinstance(item, dict):
        return dict(item)
    if isinstance(item, list):
        return list(item)
    if isinstance(item, tuple):
        return tuple(snapshot(part) for part in item)
    fields = getattr(item, "__dict__", None)
    if isinstance(fields, dict):
        return (type(item), dict(fields))
    return item


def _same(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


def auto_key(item: object, unpack: bool) -> object:
    """The key a row is tracked by: ``id``/``pk``, or None to fall back to positions."""
    if unpack and isinstance(item, (tuple, list)) and item:
        return item[0]
    if isinstance(item, dict):
        for name in ("id", "pk"):
            if name in item:
                return item[name]
        return None
    if isinstance(item, _ATOMS):
        return None
    for name in ("pk", "id"):
        try:
            value = getattr(item, name)
        except Exception:
            continue
        if value is not None and not callable(value):
            return value
    return None


def _unique_keys(keys: list[object]) -> list[Hashable] | None:
    seen: set[Hashable] = set()
    for key in keys:
        if key is None:
            return None
        try:
            if key in seen:
                return None
        except TypeError:
            return None
        seen.add(key)  # type: ignore[arg-type]
    return keys  # type: ignore[return-value]


class LoopMemo:
    __slots__ = ("items", "snaps")

    def __init__(self, items: list[Any], snaps: list[object]) -> None:
        self.items = items
        self.snaps = snaps


class ForSlot(Slot):
    """``{% for %}``: a keyed comprehension; unchanged rows are reused as they are."""

    __slots__ = (
        "body",
        "empty",
        "key",
        "locals",
        "loopvars",
        "reads_forloop",
        "reversed",
        "sequence",
        "sequence_deps",
        "volatile",
    )

    def __init__(
        self,
        loopvars: Sequence[str],
        sequence: FilterExpression,
        is_reversed: bool,
        sequence_deps: Deps,
        body: Fragment,
        empty: Fragment | None,
        key: tuple[FilterExpression, Deps] | None,
        volatile: bool,
    ) -> None:
        local = frozenset(loopvars) | {"forloop"}
        deps = sequence_deps | body.deps.without(local)
        inner = body.deps
        if key is not None:
            deps = deps | key[1].without(local)
            inner = inner | key[1]
        # Reading forloop may mean forloop.parentloop: the enclosing loop's position.
        self.reads_forloop = inner.any or body.walk or "forloop" in inner.names
        if self.reads_forloop:
            deps = deps | Deps(frozenset({"forloop"}))
        if empty is not None:
            deps = deps | empty.deps
        super().__init__(deps, walk=body.walk or (empty is not None and empty.walk))
        self.loopvars = tuple(loopvars)
        self.locals = local
        self.sequence = sequence
        self.reversed = is_reversed
        self.sequence_deps = sequence_deps
        self.body = body
        self.empty = empty
        self.key = key[0] if key is not None else None
        self.volatile = volatile

    def _items(self, context: Context) -> list[Any]:
        values = self.sequence.resolve(context, ignore_failures=True)
        if values is None:
            return []
        if not hasattr(values, "__len__"):
            values = list(values)
        if len(values) < 1:
            return []
        return list(reversed(values)) if self.reversed else list(values)

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic:
        parentloop = context["forloop"] if "forloop" in context else {}
        old = (
            prev if isinstance(prev, Comprehension) and prev.statics is self.body.statics else None
        )
        memo = old.memo if old is not None else None
        if changed is None or self.volatile or not isinstance(memo, LoopMemo):
            old = memo = None
        with context.push():
            if memo is not None and changed is not None and not self.sequence_deps.hit(changed):
                items = memo.items
            else:
                items = self._items(context)
            if not items:
                if self.empty is None:
                    return Comprehension(self.body.statics, (), (), LoopMemo([], []))
                return self.empty.render(context, prev, changed)
            return self._rows(context, items, parentloop, old, changed)

    def _bind(self, context: Context, item: Any) -> bool:
        """Put the loop variables in the context; True when a dict was pushed."""
        if len(self.loopvars) == 1:
            context[self.loopvars[0]] = item
            return False
        try:
            count = len(item)
        except TypeError:
            count = 1
        if count != len(self.loopvars):
            raise ValueError(
                f"Need {len(self.loopvars)} values to unpack in for loop; got {count}. "
            )
        context.update(dict(zip(self.loopvars, item, strict=True)))
        return True

    @staticmethod
    def _position(loop: dict[str, Any], i: int, n: int) -> None:
        loop["counter0"] = i
        loop["counter"] = i + 1
        loop["revcounter"] = n - i
        loop["revcounter0"] = n - i - 1
        loop["first"] = i == 0
        loop["last"] = i == n - 1

    def _keys(self, context: Context, items: list[Any], loop: dict[str, Any]) -> list[Hashable]:
        n = len(items)
        if self.key is None:
            unpack = len(self.loopvars) > 1
            keys = [auto_key(item, unpack) for item in items]
        else:
            keys = []
            for i, item in enumerate(items):
                self._position(loop, i, n)
                pushed = self._bind(context, item)
                try:
                    keys.append(self.key.resolve(context))
                finally:
                    if pushed:
                        context.pop()
        unique = _unique_keys(keys)
        return unique if unique is not None else list(range(n))

    def _row(
        self,
        context: Context,
        loop: dict[str, Any],
        i: int,
        n: int,
        item: Any,
        old_row: Row | None,
        changed: Changed,
    ) -> Row:
        self._position(loop, i, n)
        pushed = self._bind(context, item)
        try:
            return self.body.evaluate(context, old_row, changed)
        finally:
            if pushed:
                context.pop()

    def _rows(
        self,
        context: Context,
        items: list[Any],
        parentloop: Any,
        old: Comprehension | None,
        changed: Changed,
    ) -> Comprehension:
        loop: dict[str, Any] = {"parentloop": parentloop}
        context["forloop"] = loop
        n = len(items)
        keys = self._keys(context, items, loop)
        rows: list[Row] = []
        snaps = [snapshot(item) for item in items]
        if old is None or changed is None:
            for i, item in enumerate(items):
                rows.append(self._row(context, loop, i, n, item, None, None))
            return Comprehension(self.body.statics, keys, rows, LoopMemo(items, snaps))
        memo: LoopMemo = old.memo  # type: ignore[assignment]
        index = {key: j for j, key in enumerate(old.keys)}
        old_rows = old.rows
        old_ok = old.row_ok
        row_ok: list[bool | None] = []
        old_n = len(old_rows)
        outer = changed - self.locals
        body_hit = self.body.hit(outer)
        parent_moved = self.reads_forloop and "forloop" in changed
        loopvars = frozenset(self.loopvars)
        forloop = frozenset(("forloop",))
        for i, item in enumerate(items):
            j = index.get(keys[i])
            if j is None:
                rows.append(self._row(context, loop, i, n, item, None, None))
                row_ok.append(None)
                continue
            item_changed = not _same(snaps[i], memo.snaps[j])
            moved = self.reads_forloop and (parent_moved or i != j or n != old_n)
            if not item_changed and not moved and not body_hit:
                rows.append(old_rows[j])
                row_ok.append(old_ok[j])
                continue
            row_changed = outer
            if item_changed:
                row_changed = row_changed | loopvars
            if moved:
                row_changed = row_changed | forloop
            row = self._row(context, loop, i, n, item, old_rows[j], row_changed)
            rows.append(row)
            row_ok.append(old_ok[j] if row is old_rows[j] else None)
        return Comprehension(self.body.statics, keys, rows, LoopMemo(items, snaps), row_ok)
