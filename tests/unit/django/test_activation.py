"""tether.django.activation: the language and time zone a join activates."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.utils import timezone, translation

from tether.django.activation import activate, language, step, time_zone
from tether.django.auth import build_request

LOCALE = "django.middleware.locale.LocaleMiddleware"


def _request(*headers: tuple[str, str], url: str = "/page/") -> Any:
    scope = {
        "type": "websocket",
        "path": "/live/websocket",
        "headers": [(k.encode(), v.encode()) for k, v in headers],
    }
    request = build_request(scope, url)
    request.session = SessionStore()
    return request


@pytest.fixture
def locale(settings: Any) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, LOCALE]


async def test_the_handshakes_accept_language_picks_the_language(locale: None) -> None:
    request = _request(("accept-language", "de-DE,de;q=0.9"))
    with await language(request):
        assert translation.get_language() == "de"
    assert request.LANGUAGE_CODE == "de"


async def test_the_language_cookie_wins_over_accept_language(locale: None) -> None:
    request = _request(("accept-language", "de"), ("cookie", "django_language=fr"))
    with await language(request):
        assert translation.gettext("Yes") == "Oui"


async def test_without_locale_middleware_it_is_language_code() -> None:
    request = _request(("accept-language", "de"))
    # LANGUAGE_CODE is what a step speaks with nothing active: nothing to enter.
    assert await language(request) is None
    assert request.LANGUAGE_CODE == "en-us"
    assert translation.get_language() == "en-us"


async def test_the_sessions_time_zone_is_activated_and_a_bad_one_ignored() -> None:
    request = _request()
    await request.session.aset("django_timezone", "Asia/Tokyo")
    with await time_zone(request):
        assert str(timezone.get_current_timezone()) == "Asia/Tokyo"
    await request.session.aset("django_timezone", "Mars/Olympus")
    assert await time_zone(request) is None  # TIME_ZONE, which needs nothing entered
    assert str(timezone.get_current_timezone()) == "UTC"


async def test_a_step_enters_again_what_the_join_activated(locale: None) -> None:
    request = _request(("accept-language", "fr"))
    with step(request):
        await activate(request)
        assert translation.get_language() == "fr", "for the rest of the join's step"
    assert translation.get_language() != "fr", "left at the end of the step"
    for _ in range(2):
        with step(request):
            assert translation.get_language() == "fr", "each later step"
