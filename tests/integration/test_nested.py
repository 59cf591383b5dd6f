"""Child live views ({% live_render %}) through tether.testing: the demo's nested pages."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tether import protocol
from tether.testing import LiveClient, ViewCrashed


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
