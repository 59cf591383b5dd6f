"""A crowd joining one chat room at once: presence diffs are gathered, never lost.

The tracker waits longer between diffs as the room grows (``UPDATES_PER_SECOND``),
so the joins of a storm arrive in a few diffs. Whatever the grouping, every
page must end up showing exactly who is in the room.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from tether.pubsub import get_pubsub
from tether.testing import LiveClient, LiveViewTest

CROWD = 60
SHOWN = 50  # the chat lists the first 50 and says how many more


def _expected(names: list[str]) -> tuple[list[str], str]:
    tabs = Counter(names)
    entries = [f"{n} ({tabs[n]} tabs)" if tabs[n] > 1 else n for n in sorted(tabs)]
    more = len(entries) - SHOWN
    return entries[:SHOWN], f"and {more} more" if more > 0 else ""


def _shown(view: LiveViewTest) -> tuple[list[str], str]:
    present = [li.get_text() for li in view.soup().select("#present li")]
    others = view.soup().select_one("#others")
    return present, others.get_text() if others is not None else ""


async def _arrive(factory: Any) -> LiveViewTest:
    client: LiveClient = await factory()
    return await client.live("/chat/storm/")


async def test_every_page_of_a_crowd_that_joined_at_once_shows_the_whole_room(
    live_client_factory: Any, settings: Any
) -> None:
    # 60 views at 200 updates per second: a diff every 0.3 s gathers many joins.
    options = {"BROADCAST_PERIOD": 0.05, "UPDATES_PER_SECOND": 200}
    settings.TETHER = {**settings.TETHER, "PRESENCE": {"OPTIONS": options}}
    views = await asyncio.gather(*(_arrive(live_client_factory) for _ in range(CROWD)))
    names = [view.element("#me").get_text() for view in views]
    expected = _expected(names)
    for view in views:
        await view.wait_for(lambda v: _shown(v) == expected, timeout=15)
    assert expected[1] == f"and {len(set(names)) - SHOWN} more"


async def test_a_crowd_leaving_at_once_leaves_the_last_page_showing_only_itself(
    live_client_factory: Any, settings: Any
) -> None:
    options = {"BROADCAST_PERIOD": 0.05, "UPDATES_PER_SECOND": 200}
    settings.TETHER = {**settings.TETHER, "PRESENCE": {"OPTIONS": options}}
    views = await asyncio.gather(*(_arrive(live_client_factory) for _ in range(CROWD)))
    last = views[0]
    names = [view.element("#me").get_text() for view in views]
    await last.wait_for(lambda v: _shown(v) == _expected(names), timeout=15)
    await asyncio.gather(*(view.close() for view in views[1:]))
    await last.wait_for(lambda v: _shown(v) == ([names[0]], ""), timeout=15)


async def test_a_page_hears_of_a_crowd_in_a_few_frames_not_one_per_join(
    live_client_factory: Any, settings: Any
) -> None:
    # One wait of 3 s between diffs, whatever the room's size: the crowd's 30 joins
    # reach the first page in one or two diffs (three if the crowd is slow to come).
    options = {"BROADCAST_PERIOD": 3.0, "UPDATES_PER_SECOND": None}
    settings.TETHER = {**settings.TETHER, "PRESENCE": {"OPTIONS": options}}
    first = await _arrive(live_client_factory)
    before = len(first.updates)
    crowd = await asyncio.gather(*(_arrive(live_client_factory) for _ in range(30)))
    names = [view.element("#me").get_text() for view in [first, *crowd]]
    await first.wait_for(lambda v: _shown(v) == _expected(names), timeout=20)
    assert len(first.updates) - before <= 3


async def test_a_room_served_over_several_turns_still_shows_everyone(
    live_client_factory: Any, settings: Any
) -> None:
    options = {"BROADCAST_PERIOD": 0.05, "UPDATES_PER_SECOND": 200}
    settings.TETHER = {**settings.TETHER, "PRESENCE": {"OPTIONS": options}}
    get_pubsub().deliver_per_turn = 4  # 60 views: every diff is handed out over 15 turns
    try:
        views = await asyncio.gather(*(_arrive(live_client_factory) for _ in range(CROWD)))
        names = [view.element("#me").get_text() for view in views]
        for view in views:
            await view.wait_for(lambda v: _shown(v) == _expected(names), timeout=15)
    finally:
        get_pubsub().deliver_per_turn = type(get_pubsub()).deliver_per_turn
