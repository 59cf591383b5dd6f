"""The root names a piece of template reads.

``{{ user.name|default:fallback }}`` reads ``user`` and ``fallback``. A change
to any other name cannot change its output, so it is not evaluated again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.template.base import FilterExpression, Token, TokenType, Variable


@dataclass(frozen=True, slots=True)
class Deps:
    """Names read; ``any`` means "possibly every name" (an opaque tag)."""

    names: frozenset[str] = frozenset()
    any: bool = False

    def __or__(self, other: Deps) -> Deps:
        if other.any == self.any and other.names <= self.names:
            return self
        return Deps(self.names | other.names, self.any or other.any)

    def without(self, names: Iterable[str]) -> Deps:
        return Deps(self.names.difference(names), self.any)

    def hit(self, changed: frozenset[str]) -> bool:
        """Whether a change to ``changed`` (non-empty) may change the output."""
        return self.any or not self.names.isdisjoint(changed)


NONE = Deps()
ANY = Deps(frozenset(), True)


def variable_names(var: object) -> set[str]:
    if isinstance(var, Variable):
        if var.lookups:
            return {var.lookups[0]}
        return set()
    if isinstance(var, FilterExpression):
        return filter_expression_names(var)
    return set()


def filter_expression_names(expr: FilterExpression) -> set[str]:
    names = variable_names(expr.var)
    for _func, args in expr.filters:
        for lookup, arg in args:
            if lookup:
                names |= variable_names(arg)
    return names


def condition_names(condition: object) -> set[str]:
    """Names read by a ``{% if %}`` condition (a tree from ``smartif``)."""
    names: set[str] = set()
    stack = [condition]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        value = getattr(node, "value", None)
        if isinstance(value, FilterExpression):
            names |= filter_expression_names(value)
        stack.append(getattr(node, "first", None))
        stack.append(getattr(node, "second", None))
    return names


def token_names(token: Token) -> set[str]:
    if token.token_type == TokenType.VAR:
        return {token.contents.strip().split(".", 1)[0]}
    return set()
