"""Children of children, children the user may not see, and a parent that crashes."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tether.testing import LiveClient, LiveTestError, ViewCrashed


async def test_children_of_children_render_dead_inside_each_other(
    live_client: LiveClient,
) -> None:
    soup = BeautifulSoup((await live_client.get("/nested-host/")).text, "html.parser")
    leaf = soup.select_one("#middle #leaf")
    assert leaf is not None and "Leaf clicks: 0" in leaf.get_text()
    assert leaf["data-phx-parent-id"] == "middle"
    assert "Middle one" in soup.select_one("#middle").get_text()


async def test_a_grandchild_talks_to_its_own_parent(live_client: LiveClient) -> None:
    host = await live_client.live("/nested-host/")
    middle = await host.child("middle")
    leaf = await middle.child("leaf")
    await leaf.click("#poke")
    await leaf.click("#poke")
    await middle.wait_for(lambda v: v.text("#poked") == "2")
    assert host.text("#count") == "0"


async def test_a_child_the_user_may_not_see_is_left_out(live_client: LiveClient) -> None:
    dead = (await live_client.get("/nested-host/")).text
    assert 'id="guarded"' not in dead
    host = await live_client.live("/nested-host/")
    assert not host.has_element("#guarded")
    with pytest.raises(LiveTestError, match="no child view with id 'guarded'"):
        await host.child("guarded")


async def test_a_new_child_id_is_a_new_child(live_client: LiveClient) -> None:
    host = await live_client.live("/nested-host/")
    await host.click("#swap")
    assert host.has_element("#middle-2") and not host.has_element("#middle")
    middle = await host.child("middle-2")
    assert middle.text("#poked") == "0"


async def test_a_crashing_parent_takes_its_children_with_it(live_client: LiveClient) -> None:
    host = await live_client.live("/nested-host/")
    middle = await host.child("middle")
    leaf = await middle.child("leaf")
    with pytest.raises(ViewCrashed):
        await host.click("#boom")
    for child in (middle, leaf):
        with pytest.raises(LiveTestError, match="unmatched topic"):
            await child.push("click", "poke", {})


async def test_two_children_with_one_id_are_named_in_the_error(live_client: LiveClient) -> None:
    with pytest.raises(LiveTestError, match="two child views with one id"):
        await live_client.live("/nested-twins/")


async def test_a_plain_def_handler_sends_to_its_parent_from_its_thread(
    live_client: LiveClient,
) -> None:
    host = await live_client.live("/nested-host/")
    middle = await host.child("middle")
    leaf = await middle.child("leaf")
    await leaf.push("click", "poke_from_a_thread", {})
    await middle.wait_for(lambda v: v.text("#poked") == "1")
