"""Shallow snapshots: has a value changed in place since it was last rendered?

A loop compares each item with its snapshot from the last render, and the
shared render memo (``memo``) checks that an input it is keyed by identity
still holds what it held when the result was stored. Both catch a value
replaced or changed in place at its first level; data nested deeper is
compared by identity (see docs/templates.md).
"""

from __future__ import annotations

import datetime
import decimal
import uuid

#: Immutable values, compared by value rather than snapshotted.
ATOMS = (
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
    """A shallow copy of ``item``, to compare with it later (``same``)."""
    kind = type(item)
    if kind is dict:
        return item.copy()  # type: ignore[attr-defined]
    if isinstance(item, ATOMS):
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


def unchanged(item: object, snap: object) -> bool:
    """``same(snapshot(item), snap)``, without copying ``item`` where it can."""
    kind = type(item)
    if kind is dict or kind is list:
        return same(item, snap)
    if isinstance(item, ATOMS):
        return same(item, snap)
    if isinstance(item, (dict, list, tuple)):
        return same(snapshot(item), snap)
    fields = getattr(item, "__dict__", None)
    if isinstance(fields, dict):
        return isinstance(snap, tuple) and snap[0] is kind and same(fields, snap[1])
    return same(item, snap)


def same(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False
