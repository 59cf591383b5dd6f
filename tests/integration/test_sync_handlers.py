"""View actions work from plain def code, not only from async def (issue 17, item 4)."""

from __future__ import annotations

from typing import Any

from tether.testing import LiveClient


async def test_broadcast_and_subscribe_from_plain_def_code_reach_the_others(
    live_client_factory: Any,
) -> None:
    # broadcast() from a def handler used to create a coroutine that never ran:
    # nothing was sent, and only a RuntimeWarning said so.
    ada: LiveClient = await live_client_factory()
    bob: LiveClient = await live_client_factory()
    ada_view = await ada.live("/sync-actions/")
    bob_view = await bob.live("/sync-actions/")
    await ada_view.push("click", "shout", {"text": "hello"})
    await bob_view.wait_for(lambda v: v.text("#last") == "heard:hello")
    await ada_view.wait_for(lambda v: v.text("#last") == "heard:hello")


async def test_unsubscribe_from_plain_def_code_stops_the_messages(
    live_client_factory: Any,
) -> None:
    ada: LiveClient = await live_client_factory()
    bob: LiveClient = await live_client_factory()
    ada_view = await ada.live("/sync-actions/")
    bob_view = await bob.live("/sync-actions/")
    await bob_view.push("click", "leave_room", {})
    await ada_view.push("click", "shout", {"text": "anyone?"})
    await ada_view.wait_for(lambda v: v.text("#last") == "heard:anyone?")
    await ada_view.push("click", "shout", {"text": "again"})
    await ada_view.wait_for(lambda v: v.text("#last") == "heard:again")
    assert bob_view.text("#last") == ""


async def test_a_broadcast_from_def_code_reaches_an_async_handler_using_the_async_orm(
    live_client_factory: Any,
) -> None:
    # The broadcast ran in async_to_sync's context, which names the def handler's
    # thread as the executor for thread-sensitive calls; the listener's mailbox
    # inherited it, and its async ORM call crashed once that thread had moved on.
    ada: LiveClient = await live_client_factory()
    bob: LiveClient = await live_client_factory()
    ada_view = await ada.live("/sync-actions/")
    bob_view = await bob.live("/async-listener/")
    for n in range(3):
        await ada_view.push("click", "shout", {"text": f"hello {n}"})
        await bob_view.wait_for(lambda v, n=n: v.text("#last") == f"heard:hello {n}")
