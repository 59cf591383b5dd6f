"""The test client's copy of a live view's rendered tree: the browser's merge, in Python.

``ClientTree`` merges wire diffs the way ``rendered.js`` does (``mutableMerge``,
``mergeKeyed`` with moves, the statics table ``"p"``) and turns the result into
HTML the way its ``toString`` does, minus the ``data-phx-*`` attributes the
real client adds to root elements, except a component's ``data-phx-component``.

Components (``"c"``) merge as in ``mergeDiff``/``cachedFindComponent``: an
entry whose ``"s"`` is a cid is merged onto that component's tree (positive:
as merged in this same diff, negative: as held before it), keeping its
statics; a cid in the dynamics renders that component, its root element
marked with its cid. ``prune`` forgets components, as the client does once
the server confirms ``cids_destroyed``. A diff the real client would crash
on, or one the model does not cover, raises ``UnmergeableDiff``: a test must
never pass on what a browser could not show.

Streams: like ``rendered.js``, rendering a stream's rows consumes them (the
comprehension keeps its statics and no rows); the rows then live in the page
only, so a view that has streamed keeps a ``StreamDom`` (``stream_dom.py``)
patched after each merge, and its HTML is that page's.
"""

from __future__ import annotations

import copy
from typing import Any

from tether.errors import UnmergeableDiff
from tether.protocol import (
    ATTR_COMPONENT,
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
from tether.templates.components import with_root_attrs
from tether.testing.stream_dom import StreamDom

Tree = dict[str, Any]


class ClientTree:
    """The client's copy of one live view's rendered tree."""

    def __init__(self, rendered: Tree | None = None) -> None:
        self.rendered: Tree = {}
        self.title: str | None = None
        self.reply: Any = None
        self.events: list[Any] = []
        # The page as last rendered; a view with streams keeps its DOM instead.
        self._html = ""
        self.dom: StreamDom | None = None
        self.components: dict[int, Tree] = {}
        # The cids the last render reached from the root.
        self.shown: set[int] = set()
        if rendered is not None:
            self.merge(rendered)

    def merge(self, diff: Tree) -> None:
        """Apply a join's ``rendered`` or an update's ``diff``. ``diff`` is not modified."""
        diff = copy.deepcopy(diff)
        # Top-level keys the client extracts before merging (Rendered.extract).
        self.reply = diff.pop(REPLY, None)
        self.events = diff.pop(EVENTS, None) or []
        title = diff.pop(TITLE, None)
        if title is not None:
            self.title = title
        new_components = diff.pop(COMPONENTS, None)
        templates = diff.pop(TEMPLATES, None)
        self.rendered = _mutable_merge(self.rendered, diff)
        # The client resolves template references when it next renders.
        _resolve(self.rendered, templates)
        if new_components:
            self._merge_components(new_components)
        out: list[str] = []
        streams: list[list[Any]] = []
        self.shown = set()
        _write(self.rendered, out, streams, self)
        self._html = "".join(out)
        if streams and self.dom is None:
            self.dom = StreamDom()
        if self.dom is not None:
            self.dom.patch(self._html, streams)

    def to_html(self) -> str:
        return self._html if self.dom is None else self.dom.to_html()

    def prune(self, cids: list[int]) -> None:
        for cid in cids:
            self.components.pop(cid, None)

    def _merge_components(self, new: Tree) -> None:
        old = self.components
        cache: dict[int, Tree] = {}

        def find(cid: int) -> Tree:
            if cid in cache:
                return cache[cid]
            entry = new.get(str(cid))
            if entry is None:
                raise UnmergeableDiff(f"'s' names component {cid}, absent from the diff")
            ref = entry.get(STATIC)
            if isinstance(ref, int) and not isinstance(ref, bool):
                base = find(ref) if ref > 0 else old.get(-ref)
                if base is None:
                    raise UnmergeableDiff(f"'s' names component {-ref}, which the client lacks")
                merged = _clone_merge(base, entry)
                merged[STATIC] = base[STATIC]
            elif STATIC in entry or cid not in old:
                merged = entry
            else:
                merged = _clone_merge(old[cid], entry)
            cache[cid] = merged
            return merged

        resolved = {int(cid): find(int(cid)) for cid in new}
        old.update(resolved)

    def write_component(self, cid: int, out: list[str], streams: list[list[Any]]) -> None:
        tree = self.components.get(cid)
        if tree is None:
            # rendered.js throws: "Cannot continue render due to missing component".
            raise UnmergeableDiff(f"no component for cid {cid}")
        self.shown.add(cid)
        _resolve(tree, tree.pop(TEMPLATES, None))
        inner: list[str] = []
        _write(tree, inner, streams, self)
        html = "".join(inner)
        if tree.get(ROOT):
            html = with_root_attrs(html, {ATTR_COMPONENT: cid})
        out.append(html)


def _clone_merge(target: Tree, source: Tree) -> Tree:
    """A merged copy; neither argument changes (rendered.js ``cloneMerge``)."""
    if KEYED in source:
        merged = copy.deepcopy(target)
        _merge_keyed(merged, copy.deepcopy(source))
        return merged
    merged = {**copy.deepcopy(target), **copy.deepcopy(source)}
    for key, value in source.items():
        current = target.get(key)
        if isinstance(value, dict) and STATIC not in value and isinstance(current, dict):
            merged[key] = _clone_merge(current, value)
    return merged


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _mutable_merge(target: Tree, source: Tree) -> Tree:
    if STATIC in source:
        return source
    _do_merge(target, source)
    return target


def _do_merge(target: Tree, source: Tree) -> None:
    if KEYED in source:
        _merge_keyed(target, source)
        return
    for key, value in source.items():
        current = target.get(key)
        if isinstance(value, dict) and STATIC not in value and isinstance(current, dict):
            _do_merge(current, value)
        else:
            target[key] = value


def _merge_keyed(target: Tree, source: Tree) -> None:
    entries: Tree = source[KEYED]
    rows: Tree = target[KEYED]
    # Moves read rows from where they were before this diff.
    before = copy.deepcopy(rows) if entries.get(KEYED_MOVED) else None
    for index, entry in entries.items():
        if index in (KEYED_COUNT, KEYED_MOVED):
            continue
        if isinstance(entry, list):
            old_index, change = entry
            if before is None:
                raise UnmergeableDiff("a moved row without 'km' (the client would crash)")
            rows[index] = copy.deepcopy(before[str(old_index)])
            _do_merge(rows[index], change)
        elif isinstance(entry, int) and not isinstance(entry, bool):
            if before is None:
                raise UnmergeableDiff("a moved row without 'km' (the client would crash)")
            rows[index] = copy.deepcopy(before[str(entry)])
        elif _is_object(entry):
            if index not in rows:
                rows[index] = {}
            _do_merge(rows[index], entry)
    count = entries[KEYED_COUNT]
    for stale in range(count, rows[KEYED_COUNT]):
        rows.pop(str(stale), None)
    rows[KEYED_COUNT] = count
    if STREAM in source:
        target[STREAM] = source[STREAM]
    if TEMPLATES in source:
        target[TEMPLATES] = source[TEMPLATES]


def _resolve(node: Any, templates: Tree | None) -> None:
    if not _is_object(node):
        return
    statics = node.get(STATIC)
    if isinstance(statics, int) and not isinstance(statics, bool):
        if templates is None or str(statics) not in templates:
            raise UnmergeableDiff(f"statics reference {statics} without a template table")
        node[STATIC] = templates[str(statics)]
    for key, value in node.items():
        if key == KEYED:
            for index, row in value.items():
                if index not in (KEYED_COUNT, KEYED_MOVED):
                    _resolve(row, templates)
        elif key != STATIC:
            _resolve(value, templates)


def _write(node: Tree, out: list[str], streams: list[list[Any]], tree: ClientTree) -> None:
    statics: list[str] = node[STATIC]
    if KEYED in node:
        rows = node[KEYED]
        for i in range(rows[KEYED_COUNT]):
            _write_dynamics(rows[str(i)], statics, out, streams, tree)
        stream = node.get(STREAM)
        if stream is not None:
            _ref, _inserts, deletes, *reset = stream
            if rows[KEYED_COUNT] > 0 or deletes or reset:
                # Rendered once, the rows are the page's now (comprehensionToBuffer).
                del node[STREAM]
                node[KEYED] = {KEYED_COUNT: 0}
                streams.append(stream)
        return
    _write_dynamics(node, statics, out, streams, tree)


def _write_dynamics(
    node: Tree, statics: list[str], out: list[str], streams: list[list[Any]], tree: ClientTree
) -> None:
    for i in range(len(statics) - 1):
        out.append(statics[i])
        value = node[str(i)]
        if isinstance(value, str):
            out.append(value)
        elif _is_object(value):
            _write(value, out, streams, tree)
        elif isinstance(value, int) and not isinstance(value, bool):
            tree.write_component(value, out, streams)
        else:
            raise UnmergeableDiff(f"unsupported dynamic {value!r}")
    out.append(statics[-1])
