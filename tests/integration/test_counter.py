from __future__ import annotations

import json

import pytest

from tether.testing import LiveClient, LiveTestError


async def test_click_increments_and_sends_only_the_count(live_client: LiveClient) -> None:
    view = await live_client.live("/counter/")
    assert view.text("#count") == "0"
    for _ in range(5):
        await view.click("#inc")
    assert view.text("#count") == "5"
    frame = json.loads(view.last_frame)
    assert frame[4]["response"] == {"diff": {"0": "5"}}
    assert view.title == "Counter"


async def test_clicking_an_element_without_binding_says_so(live_client: LiveClient) -> None:
    view = await live_client.live("/counter/")
    with pytest.raises(LiveTestError, match="has no phx-click binding"):
        await view.click("#count")


async def test_selector_matching_nothing_or_many_says_so(live_client: LiveClient) -> None:
    view = await live_client.live("/counter/")
    with pytest.raises(LiveTestError, match="matches nothing"):
        await view.click("#missing")
    with pytest.raises(LiveTestError, match="matches 2 elements"):
        await view.click("button")


async def test_login_required_redirects_then_shows_the_user(live_client: LiveClient) -> None:
    from django.contrib.auth import get_user_model

    response = await live_client.http.get("/login-required/")
    assert response.status_code == 302
    assert response.headers["location"].startswith("/login/")
    user = await get_user_model().objects.acreate_user("ada", password="pw")
    await live_client.login(user)
    view = await live_client.live("/login-required/")
    assert view.text("#username") == "ada"
