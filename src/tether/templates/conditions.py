"""``{% if %}`` conditions compiled once into closures that answer as Django's would.

Django evaluates an ``{% if %}`` by walking its parsed tree (``smartif``):
an operator node calls a lambda that calls each operand's ``eval``, which
resolves a ``FilterExpression``. Compiled, the same tree is nested closures
whose names resolve the short way where it finds what Django would
(``lookups.resolve_plain``).

What stays Django's: an operand goes through ``FilterExpression.resolve``
whenever the short way cannot answer, with ``ignore_failures`` as Django's
``TemplateLiteral`` passes it; each operator turns an exception into False,
as each of Django's operator nodes does, so an error in ``b in c`` makes
``a or b in c`` fall back to ``a`` alone, as it does in Django; and a node
this module does not know (a custom parser's) keeps Django's own ``eval``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from django.template.context import Context

from tether.templates.lookups import SLOW, plain_lookups, resolve_plain

Test = Callable[[Context], Any]

_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "in": lambda x, y: x in y,
    "not in": lambda x, y: x not in y,
    "is": operator.is_,
    "is not": operator.is_not,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


def compile_condition(node: Any) -> Test:
    """A closure giving what ``node.eval(context)`` gives, for a parsed ``{% if %}`` condition."""
    kind = getattr(node, "id", None)
    if kind == "literal" and hasattr(node, "value"):
        return _operand(node)
    if kind == "not":
        first = compile_condition(node.first)

        def negation(context: Context) -> Any:
            try:
                return not first(context)
            except Exception:
                return False

        return negation
    if kind in ("and", "or") or kind in _BINARY:
        return _infix(str(kind), compile_condition(node.first), compile_condition(node.second))
    evaluate: Test = node.eval
    return evaluate


def _operand(node: Any) -> Test:
    expression = node.value
    lookups = plain_lookups(expression)
    if lookups is None:
        return lambda context: expression.resolve(context, ignore_failures=True)

    def operand(context: Context) -> Any:
        value = resolve_plain(context, lookups)
        if value is SLOW:
            return expression.resolve(context, ignore_failures=True)
        return value

    return operand


def _infix(kind: str, first: Test, second: Test) -> Test:
    if kind == "or":

        def either(context: Context) -> Any:
            try:
                return first(context) or second(context)
            except Exception:
                return False

        return either
    if kind == "and":

        def both(context: Context) -> Any:
            try:
                return first(context) and second(context)
            except Exception:
                return False

        return both
    compare = _BINARY[kind]

    def binary(context: Context) -> Any:
        try:
            return compare(first(context), second(context))
        except Exception:
            return False

    return binary
