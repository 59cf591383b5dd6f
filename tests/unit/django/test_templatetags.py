"""{% live_patch %} and {% live_navigate %} render the attributes the client follows."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch


def render(source: str) -> str:
    return Template("{% load tether %}" + source).render(Context({"pk": 7}))


def test_live_patch_takes_a_path_and_pushes_history() -> None:
    html = render('<a {% live_patch "?page=2" %}>next</a>')
    assert html == ('<a href="?page=2" data-phx-link="patch" data-phx-link-state="push">next</a>')


def test_live_navigate_reverses_a_url_name_like_the_url_tag() -> None:
    html = render('<a {% live_navigate "counter" replace=True %}>c</a>')
    assert 'href="/counter/"' in html
    assert 'data-phx-link="redirect"' in html and 'data-phx-link-state="replace"' in html


def test_an_unknown_url_name_is_a_clear_error() -> None:
    with pytest.raises(NoReverseMatch, match="live link to 'nowhere'"):
        render('{% live_patch "nowhere" %}')


@pytest.mark.parametrize("debug", [True, False])
def test_the_debug_script_loads_only_in_debug(settings: object, debug: bool) -> None:
    settings.DEBUG = debug  # type: ignore[attr-defined]
    html = render("{% tether_scripts %}")
    assert "tether/tether.js" in html
    assert ("tether/debug.js" in html) is debug
