"""A frozen view's PresenceList: kept as its topic, thawed as the room's list of now."""

from __future__ import annotations

import asyncio

from tests.integration.presence_views import TOPIC

from tether.presence import get_presence
from tether.state import get_state_store
from tether.testing import LiveClient, LiveViewTest


def _present(view: LiveViewTest) -> list[str]:
    return [li.get_text() for li in view.soup().select("#present li")]


async def _frozen(element_id: str) -> bytes:
    store = get_state_store()
    for _ in range(100):
        blob = await store.get(element_id)
        if blob is not None:
            return blob
        await asyncio.sleep(0.02)
    raise AssertionError(f"{element_id} was never frozen")


async def test_a_frozen_view_keeps_its_presence_list_as_a_topic_and_thaws_to_who_is_here_now(
    live_client: LiveClient,
) -> None:
    # Seen at 10,000 chat pages: every view froze the whole room's list, so a deploy
    # wrote 10,000 lists of 10,000 people, and most pages lost their state.
    crowd = object()
    presence = get_presence()
    for n in range(200):
        await presence.track(TOPIC, f"watcher-{n:03d}", {}, owner=crowd)
    try:
        ada = await live_client.live("/watchers/?me=ada")
        await ada.wait_for(lambda v: "watcher-150" in _present(v))
        mounted = ada.text("#mounted")
        await ada._transport.close()  # type: ignore[union-attr]
        blob = await _frozen(ada.page.element_id)
        assert b"watcher-150" not in blob  # the room's people are not in her state
        await presence.track(TOPIC, "bob", {}, owner=crowd)  # while she is away
        await ada.reconnect()
        assert ada.text("#mounted") == mounted  # thawed, not mounted again
        assert "bob" in _present(ada)
        assert len(_present(ada)) == 202
    finally:
        await presence.untrack_owner(crowd)
