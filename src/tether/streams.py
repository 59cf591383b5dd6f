"""Streams: long and endless lists the server sends once and then forgets.

A list assign is state: every row stays in the view's memory and in its
frozen state for as long as the page is open, and a change is found by
comparing the list with the last render. A stream is the other way round:
the view queues operations (``stream``, ``stream_insert``, ``stream_delete``),
the next render turns the queued inserts into rows, the client places them
(``at``), caps the list (``limit``) and deletes ids, and the server keeps
nothing but each stream's name and DOM id function.

Where the operations live, and why: in ``_streams``, a private attribute, so
they are never template assigns (``get_assigns``), never frozen with the
view, and never compared for changes. Each operation marks the name
``streams`` changed; the renderer puts this render's batches in the template
context under that name (``stream_context``) and calls ``streams_sent`` once
the diff is out, which drops the queue and the rows the render built
(``templates/streamed.py``). A thawed view starts with no streams at all: the
client still shows the rows, and ``on_thaw`` decides whether to reset them
(see docs/streams.md).

Refs: the client tags each row with its stream's ref and a reset removes the
rows with that ref, so the ref must survive a thaw without being frozen. It is
the stream's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tether.assigns import Assigns
from tether.errors import StreamError
from tether.templates.streamed import Insert, StreamBatch

#: The template name that holds a view's streams: ``{% for dom_id, x in streams.todos %}``.
STREAMS = "streams"

DomId = Callable[[Any], str]


def default_dom_id(name: str) -> DomId:
    """``"<name>-<pk>"`` for model instances, ``"<name>-<id>"`` for dicts and objects with an id."""

    def dom_id(item: Any) -> str:
        if isinstance(item, dict):
            key = item.get("id")
        else:
            key = getattr(item, "pk", None)
            if key is None:
                key = getattr(item, "id", None)
        if key is None:
            raise StreamError(
                f"stream {name!r}: {type(item).__name__} item has no id or pk; "
                f"pass dom_id= to stream() or stream_configure()"
            )
        return f"{name}-{key}"

    return dom_id


class _Stream:
    """One stream's configuration and the operations queued since the last render."""

    __slots__ = ("deletes", "dom_id", "inserts", "reset")

    def __init__(self, dom_id: DomId) -> None:
        self.dom_id = dom_id
        # By DOM id: inserting an id again in the same render replaces the first
        # (its row and where it goes), as the client would only show the last.
        self.inserts: dict[str, Insert] = {}
        self.deletes: list[str] = []
        self.reset = False

    def batch(self, ref: str) -> StreamBatch:
        return StreamBatch(ref, tuple(self.inserts.values()), tuple(self.deletes), self.reset)

    def clear(self) -> None:
        # In place (``batch`` made copies): every view of a room clears its stream
        # after each broadcast, and new objects would be ten thousand more for the
        # collector to walk until the next freeze.
        self.inserts.clear()
        self.deletes.clear()
        self.reset = False


class StreamsMixin(Assigns):
    """The stream methods of ``LiveView``."""

    def _stream_table(self) -> dict[str, _Stream]:
        table: dict[str, _Stream] | None = self.__dict__.get("_streams")
        if table is None:
            table = {}
            object.__setattr__(self, "_streams", table)
        return table

    def _named_stream(self, name: str) -> _Stream:
        found = self._stream_table().get(name)
        if found is None:
            raise StreamError(
                f"no stream named {name!r}: call self.stream({name!r}, items) in mount "
                "(and in on_thaw: a thawed view starts with no streams)"
            )
        return found

    # -- the API ----------------------------------------------------------------

    def stream_configure(self, name: str, *, dom_id: DomId) -> None:
        """Set how ``name``'s items get their DOM ids, before its first ``stream()``."""
        table = self._stream_table()
        existing = table.get(name)
        if existing is not None:
            existing.dom_id = dom_id
        else:
            table[name] = _Stream(dom_id)

    def stream(
        self,
        name: str,
        items: Iterable[Any],
        *,
        at: int = -1,
        limit: int | None = None,
        reset: bool = False,
        dom_id: DomId | None = None,
    ) -> None:
        """Define the stream ``name`` (first call) and insert ``items``, each at ``at``.

        ``reset=True`` empties the list on the client first (and drops what was
        queued before in this handler). ``limit=-50`` keeps the last 50 rows on
        the client, ``limit=50`` the first 50. Items go one by one, so
        ``at=0`` shows them in reverse order."""
        table = self._stream_table()
        entry = table.get(name)
        if entry is None:
            entry = table[name] = _Stream(dom_id or default_dom_id(name))
        elif dom_id is not None:
            entry.dom_id = dom_id
        if reset:
            entry.clear()
            entry.reset = True
        for item in items:
            self._queue(entry, item, at, limit, False)
        self.mark_changed(STREAMS)

    def stream_insert(
        self,
        name: str,
        item: Any,
        *,
        at: int = -1,
        limit: int | None = None,
        update_only: bool = False,
    ) -> None:
        """Insert ``item``, or update it in place when the client already shows its id.

        ``update_only=True`` never adds a row the client does not show."""
        self._queue(self._named_stream(name), item, at, limit, update_only)
        self.mark_changed(STREAMS)

    def stream_delete(self, name: str, item: Any) -> None:
        """Remove ``item``'s row from the client."""
        entry = self._named_stream(name)
        entry.deletes.append(entry.dom_id(item))
        self.mark_changed(STREAMS)

    def stream_delete_by_dom_id(self, name: str, dom_id: str) -> None:
        """Remove the row with DOM id ``dom_id`` from the client."""
        self._named_stream(name).deletes.append(dom_id)
        self.mark_changed(STREAMS)

    @staticmethod
    def _queue(entry: _Stream, item: Any, at: int, limit: int | None, update_only: bool) -> None:
        dom_id = str(entry.dom_id(item))
        entry.inserts.pop(dom_id, None)
        entry.inserts[dom_id] = Insert(dom_id, item, at, limit, update_only)

    # -- what the renderer reads and calls -----------------------------------------

    def stream_context(self) -> dict[str, dict[str, StreamBatch]]:
        """This render's batches, under the template name ``streams``."""
        table: dict[str, _Stream] | None = self.__dict__.get("_streams")
        if not table:
            return {STREAMS: {}}  # a view without streams keeps no attribute for them
        batches = {name: entry.batch(name) for name, entry in table.items()}
        object.__setattr__(self, "_stream_batches", list(batches.values()))
        return {STREAMS: batches}

    def streams_sent(self) -> None:
        """The diff is out: forget the queued operations and the rows built from them."""
        for batch in self.__dict__.pop("_stream_batches", ()):
            batch.release()
        for entry in self.__dict__.get("_streams", {}).values():
            if entry.inserts or entry.deletes or entry.reset:
                entry.clear()
