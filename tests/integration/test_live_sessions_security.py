"""Security: live navigation never renders for an anonymous user what an HTTP GET
of the URL would not (login_required decorator, LoginRequiredMiddleware, the
login_required hook); the page load it falls back to meets the login."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tether.errors import LiveTestError
from tether.testing import LiveClient
from tether.testing.navigation import LIVE_NAVIGATION

BASE = "http://testserver"
LOGIN_REQUIRED_MIDDLEWARE = "django.contrib.auth.middleware.LoginRequiredMiddleware"


def _never_rendered(client: LiveClient, selector: str, text: str) -> None:
    """No page this browser held showed ``text`` in ``selector``, nor got a frame with it."""
    for view in client.views:
        assert not view.has_element(selector, text)
        assert not any(text in update.raw for update in view.updates)


async def test_an_anonymous_navigation_to_a_login_required_url_lands_on_the_login(
    live_client: LiveClient,
) -> None:
    lobby = await live_client.live("/lobby/")
    with pytest.raises(LiveTestError, match=r"/login/\?next=/secret/"):
        await lobby.navigate("/secret/")
    _never_rendered(live_client, "#last", "secret")


async def test_an_anonymous_navigation_behind_login_required_middleware_lands_on_the_login(
    settings: Any,
) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, LOGIN_REQUIRED_MIDDLEWARE]
    # A client made after the change: Django builds its middleware chain with the app.
    async with LiveClient() as client:
        lobby = await client.live("/lobby/")  # login_not_required
        with pytest.raises(LiveTestError, match=r"/login/\?next=/unguarded/"):
            await lobby.navigate("/unguarded/")
        _never_rendered(client, "#last", "secret")


async def test_an_anonymous_navigation_into_a_login_required_live_session_lands_on_the_login(
    live_client: LiveClient,
) -> None:
    shop = await live_client.live("/shop/")
    with pytest.raises(LiveTestError, match=r"/login/\?next=/club/"):
        await shop.navigate("/club/")
    _never_rendered(live_client, "#heading", "Club")
    response = await live_client.get("/club/", follow=0)
    assert response.headers["location"] == "/login/?next=/club/"


async def test_a_member_navigates_live_inside_the_login_required_session(
    live_client: LiveClient,
) -> None:
    user = await get_user_model().objects.acreate_user("ada", password="pw")
    await live_client.login(user)
    club = await live_client.live("/club/")
    lounge = await club.navigate("/club/lounge/")
    assert lounge.arrival == LIVE_NAVIGATION
    assert lounge.text("#heading") == "Club lounge"


async def test_login_required_middleware_lets_a_member_navigate_live(settings: Any) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, LOGIN_REQUIRED_MIDDLEWARE]
    user = await get_user_model().objects.acreate_user("ada", password="pw")
    async with LiveClient() as client:
        await client.login(user)
        lobby = await client.live("/lobby/")
        unguarded = await lobby.navigate("/unguarded/")
        assert unguarded.arrival == LIVE_NAVIGATION
        assert unguarded.text("#last") == "secret"
