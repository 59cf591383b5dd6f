"""Dotted names resolved the short way, where Django's own walk would find the same.

Django's ``Variable._resolve_lookup`` tries, at every step of ``a.b.c``, a
key, then an attribute, then an index, and calls whatever callable it finds.
For a context name followed by keys of plain dicts, with nothing callable on
the way, its first try always wins: ``resolve_plain`` takes that way directly
and leaves every other case (attributes, indexes, calls, misses and
``string_if_invalid``) to Django.
"""

from __future__ import annotations

from typing import Any

from django.template.base import FilterExpression, Variable
from django.template.context import Context

#: What ``resolve_plain`` returns when Django must resolve the name itself.
SLOW: Any = object()


def plain_lookups(expression: FilterExpression | None) -> tuple[str, ...] | None:
    """The lookups of ``{{ a.b.c }}``: a variable with no filter and no translation."""
    if expression is None or expression.filters or not expression.is_var:
        return None
    var = expression.var
    if not isinstance(var, Variable) or var.lookups is None or var.translate:
        return None
    return tuple(var.lookups)


def resolve_plain(context: Context, lookups: tuple[str, ...]) -> Any:
    """What Django's ``Variable.resolve`` finds, when the way is a context name then
    keys of plain dicts and nothing on it is callable; else ``SLOW``, for Django's
    own resolution (attributes, indexes, calls, errors and ``string_if_invalid``).

    Django tries ``current[bit]`` first at every step, so for these values
    the two agree; skipping its three calls deep, exception-guarded walk is a
    tenth of a chat row's render."""
    try:
        current = context[lookups[0]]
    except KeyError:
        return SLOW
    for bit in lookups[1:]:
        if callable(current) or type(current) is not dict:
            return SLOW
        try:
            current = current[bit]
        except KeyError:
            return SLOW
    return SLOW if callable(current) else current
