"""``{% live_component "app.components.Card" id="card-1" item=item %}``.

The first argument names the component: a dotted path in quotes, or a
``LiveComponent`` class in the context. ``id`` is required; every other
keyword is an assign handed to the component's ``update``. The tag compiles
into a component slot (``tether.templates.components``).
"""

from __future__ import annotations

from django.template import TemplateSyntaxError
from django.template.base import FilterExpression, Parser, Token, token_kwargs

from tether.templates.components import LiveComponentNode


def tag_arguments(
    parser: Parser, token: Token, what: str, example_id: str
) -> tuple[str, FilterExpression, dict[str, FilterExpression], FilterExpression]:
    """``{% tag thing id=... key=value %}`` as (tag, thing, other keywords, id), with the
    errors both ``live_component`` and ``live_render`` give for a malformed use."""
    bits = token.split_contents()
    tag = bits.pop(0)
    if not bits or "=" in bits[0]:
        raise TemplateSyntaxError(f"'{tag}' needs the {what} first: a dotted path or a class")
    thing = parser.compile_filter(bits.pop(0))
    kwargs = token_kwargs(bits, parser, support_legacy=False)
    if bits:
        raise TemplateSyntaxError(f"'{tag}' takes keyword arguments only after the {what}")
    ident = kwargs.pop("id", None)
    if ident is None:
        raise TemplateSyntaxError(f"'{tag}' needs an id: {{% {tag} ... id=\"{example_id}\" %}}")
    return tag, thing, kwargs, ident


def live_component(parser: Parser, token: Token) -> LiveComponentNode:
    _tag, component, kwargs, ident = tag_arguments(parser, token, "component", "card-1")
    return LiveComponentNode(component, ident, kwargs)
