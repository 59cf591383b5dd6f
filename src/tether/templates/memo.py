"""Shared renders: a slot is rendered once for every view that gives it the same inputs.

A broadcast to a chat room makes ten thousand views of one template render
the same slots from the same objects: the new message dict, the presence
list every view of the room holds, the room's name. A slot's output is a
function of the names it reads (``Slot.shared_by``, from the compiler's
dependency analysis) and of a few render settings (escaping, language, time
zone), so the process keeps one memo, ``SharedRenders``, from

    (slot, settings, the inputs)  ->  the slot's ``Dynamic``

and every view after the first gets the first one's result by reference. The
trees are immutable (``rendered``), so sharing a subtree is safe, and the
views hold one copy of it between them, not one each: a message list many
views assign from one broadcast is rendered, and held, once per process.

Keeping change tracking exact:

- Inputs are keyed by value when immutable (``snapshot.ATOMS``, with their
  type, so ``1`` and ``True``, or a ``str`` and a ``SafeString``, never meet)
  and otherwise by identity. An entry holds its inputs, so an id is never
  reused while its entry lives, and their shallow snapshots: an input changed
  in place at its first level since the entry was stored is a miss, the rule
  loops already follow for their items.
- A name the view declared changed in place (``mark_changed``, or assigning
  an attribute the object it already holds) is never served from the memo
  in that render: the slot renders afresh and its result replaces the entry,
  so later views see the mutation too.
- Only slots that build subtrees and whose reads are known are shared
  (loops, branches, ``with``, ``include``; a lone variable renders about as
  fast as the memo finds it): not opaque tags, blocks, tags that set context
  names, nor anything reading ``forloop`` (one dict, changed in place row
  after row) or holding a stateful tag (``{% cycle %}``: the compiler clears
  ``shared_by``). A result holding a live component (whose slot places it in its
  view's set as it renders) or a stream's rows (which are released once
  sent) is never stored.

What it costs where it cannot help: a slot whose inputs differ in every view
(a branch on the viewer's name) stops asking after ``PROBE`` misses, for
``SKIP`` renders; the settings are read only when a slot asks; and the
renderer does not consult the memo at all for a render that only changed
names in place that no kept result reads (a stream's new rows).

The diff of two shared loops is shared too (``diff._SharedDiffs``), and the
encoded payload of equal diffs (``live/shared.py``).

What a slot computes from its inputs must depend on them alone: a method that
reads the clock or the database through an input object is called by the
first view only. The memo is bounded (the ``SHARED_RENDERS`` setting): so
many entries, none unused for longer than so many seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Protocol, cast

from django.template.context import Context

from tether.templates.rendered import ComponentRef, Dynamic, Rendered, Row
from tether.templates.snapshot import ATOMS, snapshot, unchanged

Changed = frozenset[str] | None


class Slot(Hashable, Protocol):
    """What the memo needs of a slot (``fragment.Slot``)."""

    @property
    def shared_by(self) -> tuple[str, ...] | None: ...

    def render(self, context: Context, prev: Dynamic | None, changed: Changed) -> Dynamic: ...


_MISSING = object()
_ROW = object()  # marks a stream row's key apart from its loop's own

# (a slot's result or a stream row, inputs held by identity with their snapshots)
_Entry = tuple[object, tuple[tuple[object, object], ...]]


class _Tally:
    """How often one slot's renders were found in the memo, to stop asking when it never pays."""

    __slots__ = ("hits", "misses", "skip", "stored")

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0
        self.skip = 0
        self.stored = 0  # results ever kept: none means no entry can be stale


# A slot missed this often, with under one hit in HIT_RATIO, is one whose
# inputs differ from view to view (a branch on the viewer's name): it skips
# the memo for its next SKIP renders, so it neither pays for lookups that
# fail nor pushes shared entries out of the memo with entries nobody reuses.
PROBE = 64
HIT_RATIO = 4
SKIP = 1024


class SharedRenders:
    """The process's memo of slot renders: at most ``size`` entries, none older than ``seconds``.

    Views share a result by holding it in their trees; the memo only has to
    find it while a broadcast or a join storm renders the same slot again and
    again. So entries live in two generations swapped every ``seconds``: an
    entry not used for that long is dropped, with the inputs it held (an old
    presence list, a message list no view shows any more)."""

    __slots__ = (
        "_old",
        "_rotated",
        "_tallies",
        "_young",
        "hits",
        "kept_names",
        "misses",
        "seconds",
        "size",
    )

    def __init__(self, size: int, seconds: float = 2.0) -> None:
        self.size = size
        self.seconds = seconds
        self._young: dict[tuple[Hashable, ...], _Entry] = {}
        self._old: dict[tuple[Hashable, ...], _Entry] = {}
        self._rotated = time.monotonic()
        self._tallies: dict[Hashable, _Tally] = {}
        #: Every name a kept result was keyed by: a render that changed only
        #: other names in place has no entry to refresh.
        self.kept_names: set[str] = set()
        self.hits = 0
        self.misses = 0

    def tally(self, slot: Hashable) -> _Tally:
        tally = self._tallies.get(slot)
        if tally is None:
            tally = self._tallies[slot] = _Tally()
        return tally

    def __len__(self) -> int:
        return len(self._young) + len(self._old)

    def clear(self) -> None:
        self._young.clear()
        self._old.clear()
        self._tallies.clear()
        self.kept_names.clear()

    def _age(self) -> None:
        now = time.monotonic()
        if now - self._rotated >= self.seconds:
            self._old = self._young if now - self._rotated < 2 * self.seconds else {}
            self._young = {}
            self._rotated = now

    def get(self, key: tuple[Hashable, ...]) -> _Entry | None:
        self._age()
        entry = self._young.get(key)
        if entry is None:
            entry = self._old.pop(key, None)
            if entry is not None:
                self._young[key] = entry
        return entry

    def discard(self, key: tuple[Hashable, ...]) -> None:
        self._young.pop(key, None)
        self._old.pop(key, None)

    def put(self, key: tuple[Hashable, ...], entry: _Entry) -> None:
        self._age()
        young = self._young
        young.pop(key, None)
        self._old.pop(key, None)
        young[key] = entry
        if len(young) > self.size:
            del young[next(iter(young))]
        old = self._old
        while old and len(young) + len(old) > self.size:
            del old[next(iter(old))]


class Sharing:
    """One render's use of the memo: its settings, and the names it must not trust.

    ``scope`` gives what a slot's output depends on besides its inputs (the
    language and time zone); it is asked once, and only if the render
    consults the memo at all."""

    __slots__ = ("_scope", "_settings", "memo", "mutated")

    def __init__(
        self, memo: SharedRenders, scope: Callable[[], Hashable], mutated: frozenset[str]
    ) -> None:
        self.memo = memo
        self._scope = scope
        self._settings: Hashable = _MISSING
        self.mutated = mutated

    def _settings_key(self, context: Context) -> list[Hashable]:
        settings = self._settings
        if settings is _MISSING:
            settings = self._settings = self._scope()
        return [settings, context.autoescape, context.use_l10n]

    def _key(
        self, slot: Slot, context: Context, names: tuple[str, ...]
    ) -> tuple[tuple[Hashable, ...], list[object]]:
        parts: list[Hashable] = [slot, *self._settings_key(context)]
        held: list[object] = []
        for name in names:
            try:
                value = context[name]
            except KeyError:
                value = _MISSING
            _part(parts, held, value)
        return tuple(parts), held

    def _found(self, tally: _Tally, key: tuple[Hashable, ...], held: list[object]) -> _Entry | None:
        memo = self.memo
        entry = memo.get(key)
        if entry is not None and all(
            unchanged(value, then) for value, (_w, then) in zip(held, entry[1], strict=True)
        ):
            memo.hits += 1
            tally.hits += 1
            return entry
        memo.misses += 1
        tally.misses += 1
        return None

    def _keep(
        self,
        tally: _Tally,
        names: tuple[str, ...],
        key: tuple[Hashable, ...],
        held: list[object],
        result: object,
        fit: bool,
    ) -> None:
        """Store a missed result, unless the slot's inputs differ from view to view."""
        memo = self.memo
        if tally.misses >= PROBE and tally.hits * HIT_RATIO < tally.misses:
            tally.skip, tally.hits, tally.misses = SKIP, 0, 0
        elif fit:
            if not tally.stored:
                memo.kept_names.update(names)
            tally.stored += 1
            memo.put(key, _entry(result, held))

    def render(
        self, slot: Slot, context: Context, prev: Dynamic | None, changed: Changed
    ) -> Dynamic:
        """``slot.render``, or the result another view got from the same inputs."""
        names = slot.shared_by
        assert names is not None
        memo = self.memo
        tally = memo.tally(slot)
        if not self.mutated.isdisjoint(names):
            # Changed in place: render afresh, and let the result replace what
            # the memo holds for these inputs, so that no later view gets the old one.
            result = slot.render(context, prev, changed)
            if tally.stored:
                key, held = self._key(slot, context, names)
                memo.discard(key)
                if shareable(result):
                    memo.put(key, _entry(result, held))
            return result
        if tally.skip:
            tally.skip -= 1
            return slot.render(context, prev, changed)
        key, held = self._key(slot, context, names)
        entry = self._found(tally, key, held)
        if entry is not None:
            return cast(Dynamic, entry[0])
        result = slot.render(context, prev, changed)
        self._keep(tally, names, key, held, result, shareable(result))
        return result

    def row(
        self,
        loop: Hashable,
        names: tuple[str, ...],
        context: Context,
        dom_id: str,
        item: object,
        outer: frozenset[str],
        render: Callable[[Row | None, Changed], Row],
    ) -> Row:
        """A stream row: ``render(None, None)``, or the row another view rendered
        from the same item with only its slots that read ``outer`` (names from
        outside the loop, such as the viewer's own name) rendered again.

        Stream rows are never diffed against earlier ones, so a view can take
        another's row as its previous one: ``render(row, outer)`` keeps every
        slot that reads only the item. ``names`` are the loop's sequence names
        (the stream), which a render must consult the memo for."""
        memo = self.memo
        tally = memo.tally((loop, _ROW))
        if tally.skip:
            tally.skip -= 1
            return render(None, None)
        parts: list[Hashable] = [loop, _ROW, *self._settings_key(context), dom_id]
        held: list[object] = []
        _part(parts, held, item)
        key = tuple(parts)
        entry = self._found(tally, key, held)
        if entry is not None:
            return render(cast(Row, entry[0]), outer)
        row = render(None, None)
        self._keep(tally, names, key, held, row, all(shareable(v) for v in row))
        return row


def _entry(result: object, held: list[object]) -> _Entry:
    """What the memo keeps: the result, with the inputs it holds and their snapshots."""
    return (result, tuple((value, snapshot(value)) for value in held))


def _part(parts: list[Hashable], held: list[object], value: object) -> None:
    """Key ``value``: by value when immutable, with its type, else by identity (and hold it)."""
    kind = type(value)
    if kind is str:
        parts.append(value)  # type: ignore[arg-type]
    elif isinstance(value, ATOMS):
        parts.append((kind, value))
    else:
        parts.append(id(value))
        held.append(value)


def shareable(value: Dynamic) -> bool:
    """Whether a result may be handed to other views: no components, no stream rows."""
    if isinstance(value, str):
        return True
    if isinstance(value, Rendered):
        return all(shareable(v) for v in value.dynamics)
    if isinstance(value, ComponentRef):
        return False
    if value.stream is not None:
        return False
    return all(shareable(v) for row in value.rows for v in row)


_CURRENT: ContextVar[Sharing | None] = ContextVar("tether_sharing", default=None)


def current() -> Sharing | None:
    """The sharing of the render in progress, if its renderer asked for one."""
    return _CURRENT.get()


@contextmanager
def sharing(
    memo: SharedRenders,
    scope: Hashable | Callable[[], Hashable],
    mutated: frozenset[str] = frozenset(),
) -> Iterator[None]:
    """Renders inside share slot results through ``memo``; ``scope`` (or what it
    returns, when callable) is what their output depends on besides their inputs."""
    ask = scope if callable(scope) else (lambda: scope)
    token = enter(memo, ask, mutated)
    try:
        yield
    finally:
        leave(token)


def enter(
    memo: SharedRenders, scope: Callable[[], Hashable], mutated: frozenset[str]
) -> Token[Sharing | None]:
    """``sharing`` without the context manager, for the renderer's hot path: pair with ``leave``."""
    return _CURRENT.set(Sharing(memo, scope, mutated))


def leave(token: Token[Sharing | None]) -> None:
    _CURRENT.reset(token)
