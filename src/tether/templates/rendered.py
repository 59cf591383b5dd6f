"""The result of rendering a live template: statics and dynamics.

A ``Rendered`` is one template fragment: its ``statics`` (shared by every
render of that fragment, compared by identity) interleaved with its
``dynamics``. A dynamic is a string, a nested ``Rendered``, a
``Comprehension`` (the rows of a ``{% for %}``) or a ``ComponentRef`` (a live
component, sent as its cid; its own tree lives in the view's component set).
Trees are immutable once built: a re-render reuses unchanged subtrees by
reference, which is what makes diffing cheap.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Sequence
from typing import Any, Protocol, TypeAlias

from tether.templates.shape import Need, Shape, analyze, is_balanced_text, is_inert

Dynamic: TypeAlias = "str | Rendered | Comprehension | ComponentRef"
Row: TypeAlias = "Sequence[Dynamic]"


class Statics:
    """The static parts of one fragment; its identity is its fingerprint."""

    __slots__ = ("_shape", "parts")

    def __init__(self, parts: Sequence[str]) -> None:
        self.parts: tuple[str, ...] = tuple(parts)
        self._shape: Shape | None = None

    @property
    def shape(self) -> Shape:
        if self._shape is None:
            self._shape = analyze(self.parts)
        return self._shape

    def __repr__(self) -> str:
        return f"Statics({list(self.parts)!r})"


def _value_ok(value: Dynamic, need: Need) -> bool:
    if isinstance(value, str):
        return is_inert(value) if need is Need.INERT else is_balanced_text(value)
    return value.inert() if need is Need.INERT else value.balanced()


def _row_ok(statics: Statics, row: Row) -> bool:
    needs = statics.shape.needs
    return all(_value_ok(value, need) for value, need in zip(row, needs, strict=True))


def _write(value: Dynamic, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    else:
        value.write(out)


def _write_row(parts: tuple[str, ...], row: Row, out: list[str]) -> None:
    for static, value in zip(parts, row, strict=False):
        out.append(static)
        if isinstance(value, str):
            out.append(value)
        else:
            value.write(out)
    out.append(parts[-1])


def _row_inert(row: Row) -> bool:
    return all(is_inert(v) if isinstance(v, str) else v.inert() for v in row)


class _Html:
    """``to_html`` for anything that can ``write`` itself into a list of strings."""

    __slots__ = ()

    def write(self, out: list[str]) -> None:
        raise NotImplementedError

    def to_html(self) -> str:
        out: list[str] = []
        self.write(out)
        return "".join(out)


class Rendered(_Html):
    """One rendered fragment. ``to_html()`` gives what Django renders."""

    __slots__ = ("_holes_ok", "_inert", "dynamics", "memo", "statics")

    def __init__(self, statics: Statics, dynamics: Sequence[Dynamic], memo: object = None) -> None:
        self.statics = statics
        self.dynamics = dynamics
        # Whatever the node that built this tree needs to skip work next time.
        self.memo = memo
        self._holes_ok: bool | None = None
        self._inert: bool | None = None

    def write(self, out: list[str]) -> None:
        _write_row(self.statics.parts, self.dynamics, out)

    def holes_ok(self) -> bool:
        if self._holes_ok is None:
            self._holes_ok = _row_ok(self.statics, self.dynamics)
        return self._holes_ok

    @property
    def root(self) -> bool:
        """Whether this tree's HTML is exactly one element (the wire's ``"r": 1``)."""
        return self.statics.shape.single and self.holes_ok()

    def balanced(self) -> bool:
        return self.statics.shape.balanced and self.holes_ok()

    def inert(self) -> bool:
        if self._inert is None:
            self._inert = self.statics.shape.inert and _row_inert(self.dynamics)
        return self._inert

    def __repr__(self) -> str:
        return f"Rendered({list(self.statics.parts)!r}, {list(self.dynamics)!r})"


#: The row flags of a released comprehension: it has no rows, so nothing writes them.
_NO_ROWS_OK: list[bool | None] = []


class Comprehension(_Html):
    """The rows of a ``{% for %}``: one statics, many rows of dynamics, each with a key.

    A loop over a stream (``templates/streamed.py``) carries the wire entry
    ``stream``; its rows are all new, and ``release`` drops them once sent.
    """

    __slots__ = ("_inert", "_ok", "keys", "memo", "row_ok", "rows", "statics", "stream")

    def __init__(
        self,
        statics: Statics,
        keys: Sequence[Hashable],
        rows: Sequence[Row],
        memo: object = None,
        row_ok: list[bool | None] | None = None,
        stream: Sequence[Any] | None = None,
    ) -> None:
        self.statics = statics
        self.keys = keys
        self.rows = rows
        self.memo = memo
        self.stream = stream
        # Per-row shape verdicts, carried over for rows reused from the last render.
        self.row_ok: list[bool | None] = row_ok if row_ok is not None else [None] * len(rows)
        self._ok: bool | None = None
        self._inert: bool | None = None

    def write(self, out: list[str]) -> None:
        parts = self.statics.parts
        for row in self.rows:
            _write_row(parts, row, out)

    def release(self) -> None:
        """A stream's rows were sent: keep the statics (the client has them), drop the rest.

        What is left is built of no new container the collector tracks (a tuple
        of strings and empty tuples it stops tracking, the shared empty
        flags): every view of a room releases its stream after each broadcast."""
        if self.stream is not None:
            self.stream = (self.stream[0], (), ())
        self.keys = ()
        self.rows = ()
        self.row_ok = _NO_ROWS_OK
        self.memo = None

    def balanced(self) -> bool:
        if self._ok is None:
            statics = self.statics
            ok = statics.shape.balanced
            flags = self.row_ok
            for i, row in enumerate(self.rows):
                if not ok:
                    break
                flag = flags[i]
                if flag is None:
                    flag = flags[i] = _row_ok(statics, row)
                ok = flag
            self._ok = ok
        return self._ok

    def inert(self) -> bool:
        if self._inert is None:
            self._inert = self.statics.shape.inert and all(_row_inert(r) for r in self.rows)
        return self._inert

    def __repr__(self) -> str:
        return f"Comprehension({list(self.statics.parts)!r}, {list(self.rows)!r})"


class ComponentSource(Protocol):
    """Whoever holds the trees of a view's components (``tether.component_set``)."""

    def write_component(self, cid: int, out: list[str]) -> None: ...


class ComponentRef(_Html):
    """A live component in its parent's dynamics: on the wire, just its cid.

    Its HTML (for the dead render) is its current tree, which its ``source``
    holds: the parent's tree does not change when only the component does.
    The source is held weakly: it holds the trees that hold these references,
    and a cycle would outlive its view until a full collection."""

    __slots__ = ("_source", "cid")

    def __init__(self, cid: int, source: ComponentSource) -> None:
        self.cid = cid
        self._source = weakref.ref(source)

    def write(self, out: list[str]) -> None:
        source = self._source()
        if source is None:
            raise ReferenceError(f"component {self.cid} outlived its view")
        source.write_component(self.cid, out)

    def balanced(self) -> bool:
        return True  # a component renders exactly one element (checked when it renders)

    def inert(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"ComponentRef({self.cid})"
