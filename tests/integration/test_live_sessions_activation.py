"""The join activates what Django's middleware would have for the page: its language
(LocaleMiddleware: the cookie, Accept-Language), its time zone, and what the
project adds in TETHER["ACTIVATE"]; every later event of the view renders in them."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from django.conf import settings as django_settings

from tether.testing import LiveClient

LOCALE = "django.middleware.locale.LocaleMiddleware"
TIMEZONE = "tests.integration.live_session_views.TimezoneMiddleware"
DEFAULT_ACTIVATE = ["tether.django.activation.language", "tether.django.activation.time_zone"]


@pytest.fixture
def localized(settings: Any) -> None:
    """LocaleMiddleware and Django's time zone recipe, over HTTP."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.middleware.common.CommonMiddleware"), LOCALE)
    settings.MIDDLEWARE = [*middleware, TIMEZONE]
    settings.TETHER = {**settings.TETHER, "TRUSTED_MIDDLEWARE": [TIMEZONE]}


async def _in_paris(client: LiveClient) -> None:
    engine = import_module(django_settings.SESSION_ENGINE)
    session = engine.SessionStore()
    await session.aset("django_timezone", "Europe/Paris")
    await session.asave()
    client.http.cookies.set(django_settings.SESSION_COOKIE_NAME, session.session_key or "")


async def test_events_render_in_the_language_and_time_zone_of_the_http_render(
    localized: None,
) -> None:
    async with LiveClient() as client:
        client.http.cookies.set(django_settings.LANGUAGE_COOKIE_NAME, "fr")
        await _in_paris(client)
        dead = await client.get("/localized/")
        assert '<p id="month">janvier</p>' in dead.text
        assert '<p id="time">13:00</p>' in dead.text  # noon UTC is 13:00 in Paris in January
        view = await client.live("/localized/")
        assert view.text("#month") == "janvier"
        assert view.text("#time") == "13:00"
        await view.click("#next")  # 31 days and an hour later: rendered by the event
        assert view.text("#month") == "février"
        assert view.text("#time") == "14:00"
        assert view.text("#later") == "Oui"
        await view.click("#say")  # a plain def handler, in the thread pool
        assert view.text("#said") == "Non"


async def test_without_locale_middleware_the_socket_speaks_language_code(
    live_client: LiveClient,
) -> None:
    live_client.http.cookies.set(django_settings.LANGUAGE_COOKIE_NAME, "fr")
    view = await live_client.live("/localized/")
    await view.click("#next")
    assert view.text("#month") == "February", "as the HTTP render: LocaleMiddleware is off"


async def test_an_activate_entry_sets_up_the_join_and_wraps_every_step(settings: Any) -> None:
    settings.TETHER = {
        **settings.TETHER,
        "ACTIVATE": [*DEFAULT_ACTIVATE, "tests.integration.live_session_views.tenant"],
    }
    async with LiveClient() as client:
        client.http.cookies.set("tenant", "acme")
        view = await client.live("/localized/")
        assert view.text("#tenant") == "acme", "set on the request at the join"
        await view.click("#which")
        assert view.text("#tenant") == "acme", "active around the event"
