"""Rendered trees to the LiveView 1.2 wire format (pure).

``diff(None, new)`` is a full render (the join reply's ``rendered``);
``diff(old, new)`` holds only what changed. Statics travel once: a tree is
sent with ``"s"`` only when the client does not have its fingerprint at that
place, and every statics list in a message goes through the shared table
``"p"``, referenced by index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tether.protocol import (
    COMPONENTS,
    EVENTS,
    KEYED,
    KEYED_COUNT,
    KEYED_MOVED,
    REPLY,
    ROOT,
    STATIC,
    STREAM,
    TEMPLATES,
    TITLE,
)
from tether.templates.rendered import (
    ComponentRef,
    Comprehension,
    Dynamic,
    Rendered,
    Row,
    Statics,
)

Wire = dict[str, Any]


class _Templates:
    """The statics table of one message; ``log`` records the references a shared diff made."""

    __slots__ = ("index", "log", "table")

    def __init__(self) -> None:
        self.index: dict[int, int] = {}
        self.table: dict[str, list[str]] = {}
        self.log: list[tuple[Statics, int | list[str]]] | None = None

    def ref(self, statics: Statics) -> int | list[str]:
        position = self.index.get(id(statics))
        if position is None:
            position = len(self.table)
            self.index[id(statics)] = position
            self.table[str(position)] = list(statics.parts)
        if self.log is not None:
            self.log.append((statics, position))
        return position


class _Inline(_Templates):
    """Statics written in place: a component's tree carries no table of its own.

    A component sharing another's statics is merged onto that one's tree by
    the client; a table of its own would clash with the other's indexes."""

    __slots__ = ()

    def ref(self, statics: Statics) -> list[str]:
        return list(statics.parts)


def component_diff(old: Rendered | None, new: Rendered) -> Wire:
    """A component's entry in ``"c"``: what turns ``old`` into ``new``, statics inline.

    Unlike a view's root, it keeps ``"r"``: the client marks the root element
    with the component's cid. ``old`` may be another component's tree of the
    same template (the client merges onto that one when told ``"s": cid``)."""
    if old is None or old.statics is not new.statics:
        return _full_tree(new, _Inline())
    return _diff_tree(old, new, _Inline())


def diff(old: Rendered | None, new: Rendered) -> Wire:
    """The wire diff that turns ``old`` into ``new`` (a full render when ``old`` is None)."""
    templates = _Templates()
    if old is None:
        out = _full_tree(new, templates)
    elif old.statics is not new.statics:
        out = _full_tree(new, templates)
        # At the top of an update the client reads "r" as a hook reply.
        out.pop(ROOT, None)
    else:
        out = _diff_tree(old, new, templates)
    if templates.table:
        out[TEMPLATES] = templates.table
    return out


def message(
    old: Rendered | None,
    new: Rendered | None,
    *,
    join: bool = False,
    title: str | None = None,
    events: Sequence[tuple[str, Any]] = (),
    reply: dict[str, Any] | None = None,
    components: Wire | None = None,
) -> Wire:
    """Everything the client merges after a join or an update, in one map.

    ``components`` is the ``"c"`` map of the components rendered with it.

    ``new`` is None when nothing was rendered again. A join's ``rendered``
    keeps the root flag ``"r"``; at the top of an update the client reads
    ``"r"`` as a hook's reply instead, so a full tree sent as an update (after
    a thaw, or a new branch at the root) loses it, and only ``reply`` sets it.
    """
    out: Wire = {}
    if new is not None:
        out = diff(old, new)
        if old is None and not join:
            out.pop(ROOT, None)
    if components:
        out[COMPONENTS] = components
    if title is not None:
        out[TITLE] = title
    if events:
        out[EVENTS] = [[name, payload] for name, payload in events]
    if reply is not None:
        out[REPLY] = reply
    return out


def _full(value: Dynamic, templates: _Templates) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, Rendered):
        return _full_tree(value, templates)
    if isinstance(value, ComponentRef):
        return value.cid
    return _full_comprehension(value, templates)


def _full_row(row: Row, templates: _Templates) -> Wire:
    return {str(i): _full(value, templates) for i, value in enumerate(row)}


def _full_tree(tree: Rendered, templates: _Templates) -> Wire:
    out = _full_row(tree.dynamics, templates)
    out[STATIC] = templates.ref(tree.statics)
    if tree.root:
        out[ROOT] = 1
    return out


def _keyed(comp: Comprehension, templates: _Templates) -> Wire:
    keyed: Wire = {str(i): _full_row(row, templates) for i, row in enumerate(comp.rows)}
    keyed[KEYED_COUNT] = len(comp.rows)
    return keyed


def _full_comprehension(comp: Comprehension, templates: _Templates) -> Wire:
    out: Wire = {STATIC: templates.ref(comp.statics), KEYED: _keyed(comp, templates)}
    if comp.stream is not None:
        out[STREAM] = comp.stream
    return out


def _stream_update(comp: Comprehension, templates: _Templates) -> Wire:
    """A stream whose statics the client has: only this render's rows and operations.

    Every row is new (the client forgot the last ones once placed), so rows go
    whole and nothing is compared with the previous render."""
    _ref, inserts, deletes, *reset = comp.stream or ("", (), ())
    if not (comp.rows or inserts or deletes or reset):
        return {}
    return {KEYED: _keyed(comp, templates), STREAM: comp.stream}


_SAME = object()


def _diff_value(old: Dynamic | None, new: Dynamic, templates: _Templates) -> Any:
    """The wire form of ``new`` at a place holding ``old``, or ``_SAME``."""
    if old is new:
        return _SAME
    if isinstance(new, str):
        return _SAME if isinstance(old, str) and old == new else new
    if isinstance(new, Rendered):
        if isinstance(old, Rendered) and old.statics is new.statics and old.root == new.root:
            out = _diff_tree(old, new, templates)
            return out if out else _SAME
        return _full_tree(new, templates)
    if isinstance(new, ComponentRef):
        # The component's own changes travel in "c"; here only which one sits there.
        return _SAME if isinstance(old, ComponentRef) and old.cid == new.cid else new.cid
    if isinstance(old, Comprehension) and old.statics is new.statics:
        if new.stream is not None:
            out = _stream_update(new, templates)
        else:
            out = _shared_comprehension_diff(old, new, templates)
        return out if out else _SAME
    return _full_comprehension(new, templates)


def _diff_row(old: Row, new: Row, templates: _Templates) -> Wire:
    out: Wire = {}
    if old is new:
        return out
    for i, (before, after) in enumerate(zip(old, new, strict=True)):
        if before is not after:
            value = _diff_value(before, after, templates)
            if value is not _SAME:
                out[str(i)] = value
    return out


def _diff_tree(old: Rendered, new: Rendered, templates: _Templates) -> Wire:
    return _diff_row(old.dynamics, new.dynamics, templates)


class _SharedDiffs:
    """Diffs between two loops that many views hold alike, computed once.

    Views that share their renders (``memo``) hold the same comprehension
    objects, before and after a broadcast, so the diff of that pair is the
    same for all of them, except for the statics table indexes it uses,
    which depend on the rest of each message. An entry keeps the references
    its diff made; it is reused only when making them again in this
    message gives the same indexes. Entries hold both trees, so an id is
    never reused while its entry lives; the oldest goes first."""

    KEEP = 64

    def __init__(self) -> None:
        self.entries: dict[
            tuple[int, int], tuple[Comprehension, Comprehension, Wire, list[Any]]
        ] = {}

    def diff(self, old: Comprehension, new: Comprehension, templates: _Templates) -> Wire:
        key = (id(old), id(new))
        entry = self.entries.get(key)
        if entry is not None and entry[0] is old and entry[1] is new:
            if all(templates.ref(statics) == at for statics, at in entry[3]):
                return entry[2]
        outer, templates.log = templates.log, []
        try:
            out = _diff_comprehension(old, new, templates)
            refs = templates.log
        finally:
            templates.log = outer
        if outer is not None:
            outer.extend(refs)
        self.entries.pop(key, None)
        self.entries[key] = (old, new, out, refs)
        if len(self.entries) > self.KEEP:
            del self.entries[next(iter(self.entries))]
        return out


_shared_diffs = _SharedDiffs()


def _shared_comprehension_diff(
    old: Comprehension, new: Comprehension, templates: _Templates
) -> Wire:
    if type(templates) is not _Templates:  # a component's inline statics: no table to share
        return _diff_comprehension(old, new, templates)
    return _shared_diffs.diff(old, new, templates)


def _diff_comprehension(old: Comprehension, new: Comprehension, templates: _Templates) -> Wire:
    if old.rows is new.rows:
        return {}
    index = {key: j for j, key in enumerate(old.keys)}
    old_rows = old.rows
    keyed: Wire = {}
    moved = False
    for i, (key, row) in enumerate(zip(new.keys, new.rows, strict=True)):
        j = index.get(key)
        if j is None:
            keyed[str(i)] = _full_row(row, templates)
            continue
        change = _diff_row(old_rows[j], row, templates)
        if j != i:
            # The client copies the row from its old position, then merges.
            moved = True
            keyed[str(i)] = [j, change] if change else j
        elif change:
            keyed[str(i)] = change
    count = len(new.rows)
    if not keyed and count == len(old_rows):
        return {}
    keyed[KEYED_COUNT] = count
    if moved:
        # The client only reads moved rows from a copy when told to (KEYED_MOVED).
        keyed[KEYED_MOVED] = True
    return {KEYED: keyed}
