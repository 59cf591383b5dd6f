"""Child live views ({% live_render %}) through tether.testing: the demo's nested pages."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tether import protocol
from tether.testing import LiveClient, LiveTestError, ViewCrashed


async def test_the_dead_render_shows_each_child_inside_its_container(
    live_client: LiveClient,
) -> None:
    response = await live_client.get("/nested/")
    soup = BeautifulSoup(response.text, "html.parser")
    bell = soup.select_one("#bell")
    player = soup.select_one("#player")
    assert bell is not None and player is not None
    assert "No notifications" in bell.get_text()
    assert bell.get(protocol.ATTR_PARENT_ID) == soup.select_one("[data-phx-main]")["id"]
    assert "Blue in Green" in player.get_text()
    assert player.has_attr(protocol.ATTR_STICKY)
    assert not player.has_attr(protocol.ATTR_PARENT_ID)
    assert player[protocol.ATTR_SESSION]  # a sticky child is joined straight from the dead page


async def test_a_child_has_its_own_events_and_state(live_client: LiveClient) -> None:
    page = await live_client.live("/nested/")
    bell = await page.child("bell")
    assert bell.has_element("li.empty", text="No notifications")
    await bell.click("#bell-inc")
    await bell.click("#bell-inc")
    assert bell.text("#bell-seen") == "2"
    # The page has an event of the same name; it never saw the bell's clicks.
    assert page.text("#page-count") == "0"
    await page.click("#page-inc")
    assert page.text("#page-count") == "1"
    assert bell.text("#bell-seen") == "2"


async def test_a_child_gets_its_session_as_mount_arguments(live_client: LiveClient) -> None:
    page = await live_client.live("/nested/")
    bell = await page.child("bell")
    assert "Notifications for guest" in bell.html()


async def test_parent_and_child_send_each_other_messages(live_client: LiveClient) -> None:
    page = await live_client.live("/nested/")
    bell = await page.child("bell")
    await page.click("#page-notify")
    await bell.wait_for(lambda v: v.text("#bell-count") == "1")
    assert bell.has_element("#bell-items li", text="Hello #0")
    await bell.click("#bell-clear")
    await page.wait_for(lambda v: v.text("#cleared") == "1")


async def test_a_sticky_child_reaches_the_page_that_renders_it(live_client: LiveClient) -> None:
    page = await live_client.live("/nested/")
    player = await page.child("player")
    bell = await page.child("bell")
    await player.click("#skip")
    await page.wait_for(lambda v: v.text("#page-now-playing") == "So What")
    await bell.wait_for(lambda v: v.has_element("#bell-items li", text="Now playing: So What"))


async def test_a_crash_in_the_child_leaves_the_parent_working(live_client: LiveClient) -> None:
    page = await live_client.live("/nested/")
    bell = await page.child("bell")
    await page.click("#page-inc")
    try:
        await bell.click("#bell-boom")
    except ViewCrashed:
        pass
    await page.click("#page-inc")
    assert page.text("#page-count") == "2"
    await bell.rejoin()  # what the browser does after the child's phx_error
    assert bell.text("#bell-seen") == "0"
    await bell.click("#bell-inc")
    assert bell.text("#bell-seen") == "1"


async def test_a_page_resumes_with_every_childs_state_after_a_reconnect(
    live_client: LiveClient,
) -> None:
    page = await live_client.live("/nested/")
    bell = await page.child("bell")
    player = await page.child("player")
    await page.click("#page-inc")
    await bell.click("#bell-inc")
    await bell.click("#bell-inc")
    for _ in range(3):
        await player.click("#like")
    await page.reconnect()  # the socket drops: every view on it is frozen, then thawed
    assert page.text("#page-count") == "1"
    bell = await page.child("bell")
    player = await page.child("player")
    assert bell.text("#bell-seen") == "2"
    assert player.text("#likes") == "3"


async def test_a_childs_state_is_its_own_in_each_tab(live_client: LiveClient) -> None:
    first = await live_client.live("/nested/")
    second = await live_client.live("/nested/")
    bell = await first.child("bell")
    await bell.click("#bell-inc")
    await first.reconnect()
    await second.reconnect()
    # Both tabs have a child with id "bell"; each resumes its own.
    assert (await first.child("bell")).text("#bell-seen") == "1"
    assert (await second.child("bell")).text("#bell-seen") == "0"


async def test_the_parent_leaving_ends_its_children_but_not_a_sticky_one(
    live_client: LiveClient,
) -> None:
    page = await live_client.live("/nested/")
    bell = await page.child("bell")
    player = await page.child("player")
    assert page._channel is not None
    await page._channel.request(protocol.PHX_LEAVE, {}, timeout=5.0)
    with pytest.raises(LiveTestError, match="refused"):
        await bell.click("#bell-inc")  # its session ended with the page's
    await player.click("#like")  # the sticky one is nobody's to end
    assert player.text("#likes") == "1"


async def test_a_forged_or_foreign_child_token_is_refused(live_client: LiveClient) -> None:
    page = await live_client.live("/nested/")
    bell = await page.child("bell")
    bell.page.session = bell.page.session[:-4] + "AAAA"
    with pytest.raises(LiveTestError, match="stale"):
        await bell.join("")
    # A token is bound to its container id: the bell's token cannot join as another view.
    other = await page.child("player")
    other.page.session = (await page.child("bell")).page.session
    with pytest.raises(LiveTestError, match="stale"):
        await other.join("")


async def test_a_sticky_child_keeps_its_state_across_live_navigation(
    live_client: LiveClient,
) -> None:
    page = await live_client.live("/nested/")
    bell = await page.child("bell")
    player = await page.child("player")
    for _ in range(3):
        await player.click("#like")
    # What the browser does on a live navigation: it leaves the page's view and its
    # children, then joins the next page on the same topic; sticky views stay joined.
    await bell.close()
    assert page._channel is not None
    await page._channel.request(protocol.PHX_LEAVE, {}, timeout=5.0)
    await page.join("http://testserver/nested/queue/", redirect=True)
    assert page.text("#page-title") == "Up next"
    assert player.text("#likes") == "3"
    await player.click("#like")
    assert player.text("#likes") == "4"
    bell = await page.child("bell")  # the next page's own bell
    assert bell.text("#bell-seen") == "0"
    # The sticky child's parent_view is the page it lives in now.
    await player.click("#skip")
    await page.wait_for(lambda v: v.text("#page-now-playing") == "So What")
