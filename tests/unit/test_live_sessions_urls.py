"""tether.live_sessions: marking URL patterns and finding a resolved URL's live session."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, include, path
from django.urls.resolvers import RegexPattern, get_resolver

from tether.errors import ConfigurationError
from tether.live_sessions import LiveSession, live_session, live_session_name, live_session_of


def _page(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _view() -> object:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    return view


def test_patterns_come_back_usable_and_name_their_live_session() -> None:
    hook = _page
    patterns = live_session("admin", [path("a/", _view()), path("b/", _view())], on_mount=[hook])
    resolver = URLResolver(RegexPattern(r"^/"), patterns)
    match = resolver.resolve("/a/")
    assert live_session_of(match) == LiveSession("admin", (hook,))
    assert live_session_name(match) == "admin"


def test_patterns_inside_an_include_belong_to_the_live_session() -> None:
    inner = [path("x/", _view())]
    patterns = live_session("staff", [path("staff/", include((inner, "inner")))])
    resolver = URLResolver(RegexPattern(r"^/"), patterns)
    assert live_session_name(resolver.resolve("/staff/x/")) == "staff"


def test_a_url_outside_any_live_session_has_none() -> None:
    resolver = URLResolver(RegexPattern(r"^/"), [path("free/", _view())])
    assert live_session_of(resolver.resolve("/free/")) is None
    assert live_session_name(None) is None


def test_one_view_callback_in_two_live_sessions_is_refused() -> None:
    shared = _view()
    live_session("one", [path("a/", shared)])
    with pytest.raises(ConfigurationError, match="already in live session 'one'"):
        live_session("two", [path("b/", shared)])


def test_a_live_session_needs_a_name() -> None:
    with pytest.raises(ConfigurationError, match="non-empty name"):
        live_session("", [])


def test_the_test_projects_club_pages_are_in_the_club_session() -> None:
    assert live_session_name(get_resolver().resolve("/club/lounge/")) == "club"
    assert live_session_name(get_resolver().resolve("/counter/")) is None
