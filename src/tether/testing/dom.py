"""Reading elements as the browser's client reads them when it builds an event.

``form_value`` encodes a form as the client's ``serializeForm`` does: fields
in document order, and an empty ``_unused_<name>`` before each value of a
field the user has not yet touched (so a handler can tell "left blank" from
"not reached yet"). ``element_meta`` is ``extractMeta``: the ``phx-value-*``
attributes, then the element's own ``value`` where the DOM gives it one.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Any
from urllib.parse import urlencode

from bs4 import Tag

from tether import protocol
from tether.validation import unused_key

# Elements whose DOM node has a ``value`` property (extractMeta reads it).
_VALUED = frozenset(("button", "input", "select", "textarea", "option", "output", "data"))
_CHECKABLE = frozenset(("checkbox", "radio"))
# Input types FormData leaves out (a submit button only counts as the submitter).
_UNSENT = frozenset(("submit", "button", "reset", "image", "file"))


def describe(tag: Tag) -> str:
    """The start tag without its bindings, for error messages."""
    attrs = " ".join(
        f'{k}="{" ".join(v) if isinstance(v, list) else v}"'
        for k, v in tag.attrs.items()
        if not k.startswith(protocol.BINDING_PREFIX)
    )
    return f"<{tag.name}{' ' + attrs if attrs else ''}>"


def phx_values(tag: Tag) -> dict[str, str]:
    return {
        key.removeprefix(protocol.BINDING_VALUE_PREFIX): str(value)
        for key, value in tag.attrs.items()
        if key.startswith(protocol.BINDING_VALUE_PREFIX)
    }


def element_value(tag: Tag) -> Any:
    """What ``el.value`` is in the DOM, or None where the element has no ``value``."""
    if tag.name == "li":
        raw = str(tag.get("value", "0"))
        return int(raw) if raw.lstrip("-").isdigit() else 0
    if tag.name not in _VALUED:
        return None
    if tag.name == "input":
        kind = str(tag.get("type", "text")).lower()
        if kind in _CHECKABLE and not tag.has_attr("checked"):
            return None  # extractMeta drops the value of an unchecked box
        return str(tag.get("value", "on" if kind in _CHECKABLE else ""))
    if tag.name == "textarea":
        return tag.get_text()
    if tag.name == "select":
        chosen = tag.select_one("option[selected]") or tag.select_one("option")
        return "" if chosen is None else str(chosen.get("value", chosen.get_text()))
    if tag.name == "option":
        return str(tag.get("value", tag.get_text()))
    return str(tag.get("value", ""))


def element_meta(tag: Tag, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The value of a click, key, blur or focus event: ``extractMeta`` of the element."""
    meta: dict[str, Any] = dict(phx_values(tag))
    if tag.name != "form":
        value = element_value(tag)
        if value is not None:
            meta[protocol.VALUE] = value
    meta.update(extra or {})
    return meta


def component_id(tag: Tag) -> int | None:
    """The ``cid`` the client targets: a numeric ``phx-target``, or for a CSS
    selector the component enclosing the element it selects (none: the view)."""
    target = tag.get(protocol.BINDING_TARGET)
    if isinstance(target, str) and target.isdigit():
        return int(target)
    if not isinstance(target, str):
        return None
    root = tag
    while root.parent is not None:
        root = root.parent
    selected = root.select_one(target)
    if selected is None:
        return None
    for node in [selected, *selected.parents]:
        cid = node.get(protocol.ATTR_COMPONENT) if isinstance(node, Tag) else None
        if isinstance(cid, str) and cid.isdigit():
            return int(cid)
    return None


def field_names(form: Tag) -> list[str]:
    return [str(tag["name"]) for tag in _fields(form)]


def _fields(form: Tag) -> list[Tag]:
    return [
        tag
        for tag in form.select("input[name], textarea[name], select[name], button[name]")
        if tag["name"] and not tag.has_attr("disabled")
    ]


def _entries(tag: Tag) -> list[str]:
    """The values ``FormData`` takes from one field."""
    if tag.name == "button":
        return []
    if tag.name == "input":
        kind = str(tag.get("type", "text")).lower()
        if kind in _UNSENT or (kind in _CHECKABLE and not tag.has_attr("checked")):
            return []
    if tag.name == "select" and tag.has_attr("multiple"):
        return [str(o.get("value", o.get_text())) for o in tag.select("option[selected]")]
    value = element_value(tag)
    return [] if value is None else [str(value)]


def form_value(
    form: Tag, typed: Mapping[str, Any] | None = None, used: Container[str] | None = None
) -> str:
    """The form URL-encoded as the browser's client sends it, with ``typed`` filled in.

    ``used`` names the fields the user has touched; None means all of them (a
    submit marks every field). Typed values replace a field's values where
    the field stands; names the form lacks go last.
    """
    typed = dict(typed or {})
    fields = _fields(form)
    entries: list[tuple[str, str]] = []
    placed: set[str] = set()
    for tag in fields:
        name = str(tag["name"])
        if name in typed:
            if name not in placed:
                placed.add(name)
                value = typed[name]
                values = value if isinstance(value, list | tuple) else [value]
                entries.extend((name, str(v)) for v in values)
            continue
        entries.extend((name, v) for v in _entries(tag))
    for name, value in typed.items():
        if name not in placed:
            values = value if isinstance(value, list | tuple) else [value]
            entries.extend((name, str(v)) for v in values)
    unused = _unused_names(form, fields, used)
    pairs: list[tuple[str, str]] = []
    for name, value in entries:
        if name in unused:
            pairs.append((unused_key(name), ""))
        pairs.append((name, value))
    return urlencode(pairs)


def _unused_names(form: Tag, fields: list[Tag], used: Container[str] | None) -> set[str]:
    """Names whose every field is untouched and not hidden: they get ``_unused_``."""
    if used is None or form.has_attr(protocol.BINDING_NO_UNUSED_FIELD):
        return set()
    touched: set[str] = set()
    visible: set[str] = set()
    for tag in fields:
        name = str(tag["name"])
        if name in used or tag.has_attr(protocol.BINDING_NO_UNUSED_FIELD):
            touched.add(name)
        if str(tag.get("type", "")).lower() != "hidden":
            visible.add(name)
    return visible - touched
