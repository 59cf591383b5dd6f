"""{% live_render %}: what the tag accepts, and what it says when misused."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

from tether.django.nested import LiveRenderNode
from tether.errors import NestingError


def _template(body: str) -> Template:
    return Template("{% load tether %}" + body)


def test_the_tag_needs_the_view_first_and_an_id() -> None:
    with pytest.raises(TemplateSyntaxError, match="needs the view first"):
        _template('{% live_render id="x" %}')
    with pytest.raises(TemplateSyntaxError, match="needs an id"):
        _template('{% live_render "pages.nested_views.Notifications" %}')


def test_the_tag_names_the_arguments_it_takes() -> None:
    with pytest.raises(TemplateSyntaxError, match="takes id, session and sticky"):
        _template('{% live_render "pages.nested_views.Notifications" id="b" colour="red" %}')


def test_outside_a_live_view_the_tag_says_where_it_belongs() -> None:
    template = _template('{% live_render "pages.nested_views.Notifications" id="b" %}')
    with pytest.raises(NestingError, match="only in a live view's template"):
        template.render(Context({}))


def test_a_session_that_is_no_json_says_what_it_takes() -> None:
    template = _template('{% live_render "pages.nested_views.Notifications" id="b" session=data %}')
    node = next(n for n in template.nodelist if isinstance(n, LiveRenderNode))
    with pytest.raises(NestingError, match="JSON values"):
        node.resolve(Context({"data": {"when": object()}}))
