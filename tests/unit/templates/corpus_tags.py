"""Custom tags for the corpus: an undeclared one, a declared one, simple tags."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Node, Parser, Token
from django.template.context import Context

register = template.Library()


class ShoutNode(Node):
    """Reads ``who`` without saying so: must be treated as reading everything."""

    def render(self, context: Context) -> str:
        return str(context.get("who", "nobody")).upper()


class GreetNode(Node):
    tether_reads = ("who",)

    def render(self, context: Context) -> str:
        return f"hello {context.get('who', '')}"


@register.tag
def shout(parser: Parser, token: Token) -> ShoutNode:
    return ShoutNode()


@register.tag
def greet(parser: Parser, token: Token) -> GreetNode:
    return GreetNode()


@register.simple_tag
def add3(a: Any, b: Any, c: Any = 0) -> str:
    return str(a + b + c)


@register.simple_tag(takes_context=True)
def ctx_size(context: Context) -> str:
    return str(len(context.flatten()))


@register.inclusion_tag("inc/item.html")
def item_tag(name: Any) -> dict[str, Any]:
    return {"name": name}
