"""The browser's stream patch, on a parsed page: what ``dom_patch.ts`` does with ``"stream"``.

The rendered tree cannot say what a stream shows: the client renders a
stream's new rows once, then drops them from its tree, and the rows live on
only in the DOM. So for a view with streams the test client keeps a DOM too
(a BeautifulSoup document) and patches it as the pinned client does:

1. for each stream entry, in order: note its inserts by DOM id; on a reset,
   remove every row tagged with its ref; remove each deleted id. A removed
   element whose id is inserted again in the same patch is kept aside (it may
   come back even with ``update_only``);
2. every ``phx-update="stream"`` container of the new HTML starts from the
   children the old page had (minus the removals). Each child of the new
   HTML that already exists is updated where it stands (reordered only on a
   reset); a new one is placed by its insert's ``at`` (``0`` first, ``-1``
   last but before trailing non-stream children, ``n`` before the n-th
   child), then the container is cut to ``limit`` (negative: keep the last
   ones). ``update_only`` rows that do not exist are skipped.
3. outside stream containers the page is the new HTML, as morphdom makes it.

The client's own bookkeeping (``data-phx-stream`` on each row) is kept beside
the document, so the HTML holds what the server sent. What a browser would
drop with an error (a container child without an id) raises
``UnmergeableDiff``: a test must never pass on what the page could not show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString

from tether.errors import UnmergeableDiff

PHX_UPDATE = "phx-update"
STREAM_CONTAINER = '[phx-update="stream"]'


@dataclass(frozen=True, slots=True)
class _Insert:
    ref: str
    at: int
    limit: int | None
    reset: bool
    update_only: bool


class StreamDom:
    """A view's page as the browser holds it, for views that use streams."""

    def __init__(self) -> None:
        self.doc: BeautifulSoup | None = None
        # The ref of every row a stream placed (the client's data-phx-stream).
        self.refs: dict[str, str] = {}

    def patch(self, html: str, streams: Sequence[Sequence[Any]]) -> None:
        """Apply one render: its HTML and the stream entries it consumed."""
        new = BeautifulSoup(html, "html.parser")
        old = self._old_children()
        inserts: dict[str, _Insert] = {}
        restore: set[str] = set()

        def remove(doomed: set[str]) -> None:
            for key, children in old.items():
                kept = [c for c in children if str(c.get("id")) not in doomed]
                if len(kept) != len(children):
                    old[key] = kept
            for element_id in doomed:
                self.refs.pop(element_id, None)
            restore.update(doomed & inserts.keys())

        for entry in streams:
            ref, entry_inserts, deletes, *reset = entry
            for key, at, *rest in entry_inserts:
                # The server leaves out a trailing null limit and false update_only.
                limit, update_only = (*rest, None, False)[:2]
                inserts[key] = _Insert(ref, at, limit, bool(reset), bool(update_only))
            if reset:  # the client resets on any fourth element
                remove({k for k, r in self.refs.items() if r == ref})
            if deletes:
                remove(set(deletes))
        for container in new.select(STREAM_CONTAINER):
            key = container.get("id")
            if not isinstance(key, str):
                raise UnmergeableDiff(f"a phx-update=stream container without an id: {container}")
            children = list(old.get(key, []))
            present = {str(c.get("id")) for c in children}
            for child in _incoming(container):
                self._place(children, present, child, inserts, restore)
            container.clear()
            for child in children:
                container.append(child)
        self.doc = new

    def to_html(self) -> str:
        return "" if self.doc is None else self.doc.decode()

    # -- one container ------------------------------------------------------------

    def _old_children(self) -> dict[str, list[Tag]]:
        if self.doc is None:
            return {}
        found: dict[str, list[Tag]] = {}
        for container in self.doc.select(STREAM_CONTAINER):
            key = container.get("id")
            if isinstance(key, str):
                found[key] = [c for c in container.children if isinstance(c, Tag)]
        return found

    def _place(
        self,
        children: list[Tag],
        present: set[str],
        child: Tag,
        inserts: dict[str, _Insert],
        restore: set[str],
    ) -> None:
        element_id = str(child["id"])
        insert = inserts.get(element_id)
        if element_id in present:
            i = next(i for i, c in enumerate(children) if c.get("id") == element_id)
            children[i] = child  # morphed where it stands
            if insert is not None:
                self.refs[element_id] = insert.ref
                if insert.reset:
                    self._reorder(children, present, child, insert)
            return
        present.add(element_id)
        if insert is None:
            children.append(child)
            return
        if insert.update_only and element_id not in restore:
            return
        self.refs[element_id] = insert.ref
        at = insert.at
        if at == 0:
            children.insert(0, child)
        elif at == -1:
            if children and self._loose(children[-1]):
                first = next(i for i, c in enumerate(children) if self._loose(c))
                children.insert(first, child)
            else:
                children.append(child)
        elif at > 0:
            children.insert(min(at, len(children)), child)
        else:
            present.discard(element_id)
            return  # the client places no row at -2 or below: it is lost
        self._reorder(children, present, child, insert)

    def _loose(self, element: Tag) -> bool:
        """A child no stream placed (an empty-list message, say)."""
        return str(element.get("id")) not in self.refs

    def _reorder(self, children: list[Tag], present: set[str], child: Tag, insert: _Insert) -> None:
        at = insert.at
        if at == 0:
            children.remove(child)
            children.insert(0, child)
        elif at > 0:
            old_index = children.index(child)
            if at >= len(children) - 1:
                children.remove(child)
                children.append(child)
            elif old_index != at:
                sibling = children[at]
                children.remove(child)
                position = children.index(sibling)
                children.insert(position if old_index > at else position + 1, child)
        limit = insert.limit
        if limit is None:
            return
        count = len(children)
        if limit < 0 and count > -limit:
            dropped = children[: count + limit]
            del children[: count + limit]
        elif limit >= 0 and count > limit:
            dropped = children[limit:]
            del children[limit:]
        else:
            return
        for element in dropped:
            self.refs.pop(str(element.get("id")), None)
            present.discard(str(element.get("id")))


def _incoming(container: Tag) -> list[Tag]:
    """The container's children in the new HTML; the client keeps only elements with an id."""
    out = []
    for node in container.children:
        if isinstance(node, Comment):
            continue
        if isinstance(node, NavigableString):
            if node.strip():
                raise UnmergeableDiff(f"text {node.strip()!r} directly in a stream container")
            continue
        if isinstance(node, Tag):
            if not node.get("id"):
                raise UnmergeableDiff(f"a stream container child without an id: {node}")
            out.append(node)
    return out
