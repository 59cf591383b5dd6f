"""What a ``{% for dom_id, item in streams.name %}`` loop sees: one render's stream operations.

A stream is a list the server does not keep. The view queues operations
(insert this item here, delete that id, reset), a render turns the queued
inserts into rows once, the client places them, and both sides forget the
rows. So a loop over a stream is not a comprehension to diff against its last
render: every row it yields is new, and what the client does with the rows
travels beside them as the LiveView 1.2 ``"stream"`` entry
(``[ref, inserts, deletes]``, plus ``true`` to reset first).

``StreamBatch`` is that render's share of the queue. It is built by the view's
stream mixin (``tether.streams``) for each render and released by the
renderer once the diff is out: ``release`` empties the comprehensions built
from it, so the tree the renderer keeps for the next diff holds the row
statics (sent once) but none of the rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tether.templates.rendered import Comprehension


@dataclass(frozen=True, slots=True)
class Insert:
    """One row to place: its DOM id, where (``at``), the cap to keep (``limit``)."""

    dom_id: str
    item: Any
    at: int = -1
    limit: int | None = None
    update_only: bool = False

    def wire(self) -> list[Any]:
        """``[dom_id, at, limit, update_only]``, without the trailing defaults.

        The client reads a missing ``limit`` as no limit and a missing
        ``update_only`` as false (checked in Chromium by the stream browser
        tests); on a 300-byte insert frame the 11 bytes of ``,null,false`` count."""
        if self.update_only:
            return [self.dom_id, self.at, self.limit, True]
        if self.limit is not None:
            return [self.dom_id, self.at, self.limit]
        return [self.dom_id, self.at]


@dataclass(slots=True)
class StreamBatch:
    """One stream's operations for one render, iterable as ``(dom_id, item)`` pairs."""

    ref: str
    inserts: Sequence[Insert] = ()
    deletes: Sequence[str] = ()
    reset: bool = False
    built: list[Comprehension] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        for insert in self.inserts:
            yield insert.dom_id, insert.item

    def __len__(self) -> int:
        return len(self.inserts)

    def __bool__(self) -> bool:
        # ``{% if streams.todos %}`` cannot tell whether the client shows rows.
        return True

    @property
    def pending(self) -> bool:
        """Whether the client has anything to do: rows to place, ids to drop, a reset."""
        return bool(self.inserts or self.deletes or self.reset)

    def wire(self) -> list[Any]:
        """The ``"stream"`` entry beside this render's rows."""
        entry: list[Any] = [self.ref, [i.wire() for i in self.inserts], list(self.deletes)]
        if self.reset:
            # The client resets on any fourth element, even false: send it only to reset.
            entry.append(True)
        return entry

    def release(self) -> None:
        """Forget the rows once sent; the comprehensions keep their statics only."""
        for comprehension in self.built:
            comprehension.release()
        self.built.clear()
        self.inserts = ()
        self.deletes = ()
        self.reset = False
