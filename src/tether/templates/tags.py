"""Template tags for live templates: ``{% load tether_live %}``.

``{% live_key expr %}`` inside a ``{% for %}`` names the key its rows are
tracked by (see docs/templates.md). It renders nothing, so the template still
renders the same under plain Django.
"""

from __future__ import annotations

from django.template import Library
from django.template.base import FilterExpression, Node, Parser, Token
from django.template.context import Context

register = Library()


class LiveKeyNode(Node):
    child_nodelists = ()
    tether_reads: tuple[str, ...] = ()

    def __init__(self, expr: FilterExpression) -> None:
        self.expr = expr

    def render(self, context: Context) -> str:
        return ""


@register.tag("live_key")
def live_key(parser: Parser, token: Token) -> LiveKeyNode:
    bits = token.split_contents()
    if len(bits) != 2:
        from django.template import TemplateSyntaxError

        raise TemplateSyntaxError("'live_key' takes one argument: the row's key")
    return LiveKeyNode(parser.compile_filter(bits[1]))
