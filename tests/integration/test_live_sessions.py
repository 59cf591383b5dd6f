"""Live sessions: live navigation stays inside one; anything else is a page load."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from tests.integration.live_session_views import ShopSwitch

from tether.errors import LiveTestError
from tether.testing import LIVE_NAVIGATION, PAGE_LOAD, LiveClient

BASE = "http://testserver"


async def _member(client: LiveClient, name: str = "ada") -> None:
    user = await get_user_model().objects.acreate_user(name, password="pw")
    await client.login(user)


@pytest.fixture(autouse=True)
def _shop_opens() -> Iterator[None]:
    ShopSwitch.open = True
    yield
    ShopSwitch.open = True


async def test_navigation_inside_a_live_session_stays_live(live_client: LiveClient) -> None:
    home = await live_client.live("/shop/")
    await home.click("#inc")
    lounge = await home.navigate("/shop/cart/")
    assert lounge.arrival == LIVE_NAVIGATION
    assert lounge.text("#heading") == "Shop cart"
    assert lounge.url == f"{BASE}/shop/cart/"
    assert home.closed, "the old root view left its channel"
    await lounge.click("#inc")
    assert lounge.text("#count") == "1"


async def test_navigation_to_another_live_session_reloads_the_page(
    live_client: LiveClient,
) -> None:
    await _member(live_client)
    club = await live_client.live("/club/")
    shop = await club.navigate("/shop/")
    assert shop.arrival == PAGE_LOAD
    assert shop.page is not club.page, "a new page, with its own tokens"
    assert shop.text("#heading") == "Shop home"
    back = await shop.navigate("/club/lounge/")
    assert back.arrival == PAGE_LOAD
    assert back.text("#heading") == "Club lounge"


async def test_navigation_between_a_live_session_and_pages_outside_any_reloads(
    live_client: LiveClient,
) -> None:
    lobby = await live_client.live("/lobby/")
    shop = await lobby.navigate("/shop/")
    assert shop.arrival == PAGE_LOAD, "from no live session into one"
    lobby_again = await shop.navigate("/lobby/")
    assert lobby_again.arrival == PAGE_LOAD, "from a live session to no live session"
    assert lobby_again.text("#heading") == "Lobby"


async def test_navigation_between_pages_outside_any_live_session_stays_live(
    live_client: LiveClient,
) -> None:
    lobby = await live_client.live("/lobby/")
    unguarded = await lobby.navigate("/unguarded/")
    assert unguarded.arrival == LIVE_NAVIGATION
    assert unguarded.text("#last") == "secret"


async def test_a_live_redirect_across_live_sessions_is_followed_with_a_page_load(
    live_client: LiveClient,
) -> None:
    # What follow_redirect() does with a push_navigate is what navigate() does.
    toolbox = await live_client.live("/toolbox/")
    await toolbox.click("#leave")  # push_navigate inside no live session: stays live
    away = await toolbox.follow_redirect()
    assert away.arrival == LIVE_NAVIGATION
    shop = await away.navigate("/shop/")
    assert shop.arrival == PAGE_LOAD


async def test_a_join_of_a_url_moved_to_another_live_session_is_stale(
    live_client: LiveClient,
) -> None:
    # A page's own join (not a navigation) with tokens of another live session:
    # the client reloads the page, which renders it with its live session.
    shop = await live_client.live("/shop/")
    with pytest.raises(LiveTestError, match="stale"):
        await shop.join(f"{BASE}/lobby/")


# -- on_mount hooks ---------------------------------------------------------------------


async def test_hooks_run_session_first_then_the_views_then_mount(
    live_client: LiveClient,
) -> None:
    response = await live_client.get("/shop/")
    assert '<p id="trail">session>view>mount</p>' in response.text, "the dead render"
    shop = await live_client.live("/shop/")
    assert shop.text("#trail") == "session>view>mount", "the join"
    cart = await shop.navigate("/shop/cart/")
    assert cart.text("#trail") == "session>view>mount", "a live navigation"


async def test_a_halting_hook_redirects_at_the_dead_render(live_client: LiveClient) -> None:
    await _member(live_client)
    response = await live_client.get("/club/vault/?halt=redirect", follow=0)
    assert response.status_code == 302
    assert response.headers["location"] == "/club/"
    denied = await live_client.get("/club/vault/?halt=deny")
    assert denied.status_code == 403


async def test_a_halting_hook_stops_a_navigation_join(live_client: LiveClient) -> None:
    from tests.integration.live_session_views import ClubVault

    await _member(live_client)
    club = await live_client.live("/club/")
    mounts = ClubVault.mounts
    landed = await club.navigate("/club/vault/?halt=redirect")
    assert club.html().count("Club vault") == 0
    assert ClubVault.mounts == mounts, "the vault never mounted"
    assert landed.arrival == PAGE_LOAD
    assert landed.text("#heading") == "Club home"
    assert landed.text("#flash") == "The vault is closed.", "the hook's flash came along"


async def test_a_hook_that_denies_sends_the_navigation_to_the_page_load_that_shows_it(
    live_client: LiveClient,
) -> None:
    await _member(live_client)
    club = await live_client.live("/club/")
    with pytest.raises(LiveTestError, match="answered 403"):
        await club.navigate("/club/vault/?halt=deny")


async def test_a_halting_hook_stops_a_rejoin_that_would_resume_frozen_state(
    live_client: LiveClient,
) -> None:
    shop = await live_client.live("/shop/")
    await shop.click("#inc")
    ShopSwitch.open = False  # the hook now halts: the next join must not resume the page
    await shop.reconnect()
    assert shop.redirected_to == "/counter/"


async def test_a_hook_named_by_dotted_path_runs(live_client: LiveClient) -> None:
    ShopSwitch.open = False
    response = await live_client.get("/shop/", follow=0)
    assert response.status_code == 302
    assert response.headers["location"] == "/counter/"


async def test_permission_required_hook_answers_403_to_a_member_without_it(
    live_client: LiveClient,
) -> None:
    await _member(live_client)
    response = await live_client.get("/club/audit/")
    assert response.status_code == 403
    club = await live_client.live("/club/")
    with pytest.raises(LiveTestError, match="answered 403"):
        await club.navigate("/club/audit/")
