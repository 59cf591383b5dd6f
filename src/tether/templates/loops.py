"""``{% for %}`` as a keyed comprehension: which rows changed, and which are reused.

Rows are keyed by ``{% live_key %}``, else by the items' ``id``/``pk``, else by
position. A row whose item (compared one level deep), position and outer names
are unchanged is reused as it is; the diff then carries only the others.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from django.template.base import FilterExpression
from django.template.context import Context

from tether.templates.deps import Deps
from tether.templates.fragment import Changed, Fragment, Slot
from tether.templates.memo import current
from tether.templates.rendered import Comprehension, Dynamic, Row
from tether.templates.snapshot import ATOMS as _ATOMS
from tether.templates.snapshot import same as _same
from tether.templates.snapshot import snapshot
from tether.templates.streamed import StreamBatch


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


#: The names loops whose stream rows are worth sharing iterate over (``streams``),
#: gathered as templates compile: a render that changed only those in place
#: still consults the memo (``rendering``), for the rows.
ROW_SEQUENCES: set[str] = set()


def _worth_sharing(body: Fragment, outer: frozenset[str]) -> bool:
    """Whether a row has work another view can do for it: a slot reading none of
    ``outer`` that is more than a lone plain variable (which renders about as
    fast as a shared row is found)."""
    for slot in body.slots:
        if slot.walk or slot.sets or slot.deps.any or not slot.deps.names.isdisjoint(outer):
            continue
        if getattr(slot, "lookups", None) is None:  # not a plain {{ a.b }}
            return True
    return False


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
        "row_names",
        "row_outer",
        "sequence",
        "sequence_deps",
        "volatile",
    )
    SHARES = True

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
        if volatile:  # rows that hold state between them ({% cycle %}) are never shared
            self.shared_by = None
        #: For sharing stream rows between views: the names a row reads from
        #: outside the loop, rendered again for each view; None when what a
        #: row reads is not known.
        self.row_outer: frozenset[str] | None = None
        if not (volatile or body.walk or inner.any):
            outer = inner.names - set(self.loopvars)
            if _worth_sharing(body, outer):
                self.row_outer = outer
                self.row_names = tuple(sorted(sequence_deps.names))
                ROW_SEQUENCES.update(sequence_deps.names)

    def _items(self, values: Any) -> list[Any]:
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
                values = self.sequence.resolve(context, ignore_failures=True)
                if isinstance(values, StreamBatch):
                    return self._stream(context, values, parentloop)
                items = self._items(values)
            if not items:
                if self.empty is None:
                    return Comprehension(self.body.statics, (), (), LoopMemo([], []))
                return self.empty.render(context, prev, changed)
            return self._rows(context, items, parentloop, old, changed)

    def _stream(self, context: Context, batch: StreamBatch, parentloop: Any) -> Comprehension:
        """Rows for this render's inserts only: the client keeps the others, we do not.

        ``{% empty %}`` never shows, as the server cannot know whether the client
        holds rows; ``forloop`` counts this render's rows."""
        loop: dict[str, Any] = {"parentloop": parentloop}
        context["forloop"] = loop
        entries = list(batch)
        if self.reversed:
            entries.reverse()
        n = len(entries)
        sharing = current() if self.row_outer is not None else None
        if sharing is None:
            rows = [self._row(context, loop, i, n, e, None, None) for i, e in enumerate(entries)]
        else:  # ten thousand views inserting one broadcast message render its row once
            outer = self.row_outer
            assert outer is not None
            names = self.row_names
            rows = []
            for i, entry in enumerate(entries):

                def render(
                    prev: Row | None, changed: Changed, i: int = i, entry: Any = entry
                ) -> Row:
                    return self._row(context, loop, i, n, entry, prev, changed)

                dom_id, item = entry
                rows.append(sharing.row(self, names, context, dom_id, item, outer, render))
        keys = [dom_id for dom_id, _item in entries]
        built = Comprehension(self.body.statics, keys, rows, stream=batch.wire())
        batch.built.append(built)
        return built

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
