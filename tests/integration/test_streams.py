"""Streams through tether.testing: what the page shows, and what the server keeps."""

from __future__ import annotations

from typing import Any

from pages.models import Message
from tether.live.registry import registry
from tether.state import get_state_store
from tether.testing import LiveClient, LiveViewTest


def rows(view: LiveViewTest, container: str) -> list[tuple[str, str]]:
    """(id, first text) of each child of a stream container, as usersInDom reads them."""
    out = []
    for child in view.soup().select(f"#{container} > *"):
        text = child.find(string=True, recursive=False) or ""
        out.append((str(child["id"]), text.strip()))
    return out


def names(view: LiveViewTest, container: str) -> list[str]:
    return [element_id for element_id, _text in rows(view, container)]


async def test_rows_update_in_place_and_delete(live_client: LiveClient) -> None:
    view = await live_client.live("/streams/users/")
    assert rows(view, "users") == [("users-1", "chris"), ("users-2", "callan")]
    await view.click("#users-2 button[phx-click=update]")
    assert rows(view, "users") == [("users-1", "chris"), ("users-2", "updated")]
    assert rows(view, "admins") == [("admins-1", "chris-admin"), ("admins-2", "callan-admin")]
    await view.click("#users-1 button[phx-click=delete]")
    assert rows(view, "users") == [("users-2", "updated")]


async def test_an_update_sends_only_that_row_and_no_statics(live_client: LiveClient) -> None:
    view = await live_client.live("/streams/users/")
    await view.click("#users-2 button[phx-click=update]")
    frame = view.last_frame
    assert "updated" in frame and "callan" not in frame and "chris" not in frame
    assert '"s"' not in frame and '"p"' not in frame, "the row statics were sent at the join"


async def test_a_reset_replaces_the_rows_in_the_new_order_with_new_attributes(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/streams/users/")
    await view.click("#reorder-users")
    assert rows(view, "users") == [("users-3", "peter"), ("users-1", "chris"), ("users-4", "mona")]
    assert {li["data-count"] for li in view.soup().select("#users > div")} == {"1"}
    await view.click("#reset-users")
    assert rows(view, "users") == []


async def test_inserts_at_the_start_the_end_and_an_index(live_client: LiveClient) -> None:
    view = await live_client.live("/streams/reset/")
    assert names(view, "thelist") == ["items-a", "items-b", "items-c", "items-d"]
    await view.click("#prepend")
    await view.click("#append")
    shown = names(view, "thelist")
    assert shown[1:5] == ["items-a", "items-b", "items-c", "items-d"]
    assert shown[0].startswith("items-a") and shown[-1].startswith("items-a") and len(shown) == 6
    await view.click("#reset")
    await view.click("#bulk-insert")
    assert names(view, "thelist") == [f"items-{c}" for c in "aefgbcd"]


async def test_inserting_a_shown_row_updates_it_where_it_stands(live_client: LiveClient) -> None:
    view = await live_client.live("/streams/reset/")
    for button in ("#prepend-c", "#append-c", "#insert-c-at-one"):
        await view.click(button)
        assert names(view, "thelist") == ["items-a", "items-b", "items-c", "items-d"]
    await view.click("#delete-insert-c")
    assert names(view, "thelist") == ["items-a", "items-c", "items-b", "items-d"]


async def test_update_only_changes_shown_rows_and_adds_none(live_client: LiveClient) -> None:
    view = await live_client.live("/streams/reset/")
    await view.click("#add-e-update-only")
    assert names(view, "thelist") == ["items-a", "items-b", "items-c", "items-d"]
    await view.click("#update-c-update-only")
    assert names(view, "thelist") == ["items-a", "items-b", "items-c", "items-d"]
    assert view.text("#items-c").startswith("C ")


async def test_a_negative_limit_keeps_the_last_rows_and_a_positive_one_the_first(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/streams/limit/")
    texts = lambda: [li.get_text() for li in view.soup().select("#items li")]  # noqa: E731
    assert texts() == ["6", "7", "8", "9", "10"]
    await view.click("#add-10")
    assert texts() == ["16", "17", "18", "19", "20"]
    await view.submit("#configure", {"at": "0", "limit": "5"})
    assert texts() == ["10", "9", "8", "7", "6"]
    await view.click("#add-1")
    assert texts() == ["11", "10", "9", "8", "7"]
    await view.submit("#configure", {"at": "1", "limit": "-5"})
    assert texts() == ["10", "5", "4", "3", "2"]


async def test_a_patch_resets_the_stream_to_the_new_category(live_client: LiveClient) -> None:
    view = await live_client.live("/streams/healthy/fruits/")
    assert names(view, "items") == ["items-1", "items-2"]
    await view.patch("/streams/healthy/veggies/")
    assert view.text("h1") == "Veggies"
    assert names(view, "items") == ["items-3", "items-4"]


async def test_the_view_keeps_no_streamed_item_after_sending_it(live_client: LiveClient) -> None:
    view = await live_client.live("/streams/big/?n=1000")
    assert len(view.soup().select("#todos li")) == 1000
    session = next(s for sock in registry.sockets if (s := sock.sessions.get(view.topic)))
    live = session.view
    assert live is not None
    assert all(not s.inserts and not s.deletes for s in live._streams.values())
    assert session.renderer is not None
    assert "todo number" not in repr(session.renderer.tree), "the renderer's tree holds rows"
    await view.click("#add")
    assert view.soup().select("#todos li")[0]["id"] == "todos-new-1"
    assert len(view.soup().select("#todos li")) == 1001


async def test_rows_already_sent_do_not_change_when_an_outer_assign_does(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/streams/big/?n=2")
    await view.push("click", "rename", {"title": "renamed"})
    assert view.text("#title") == "renamed"
    assert view.text("#todos-1") == "todo number 1 (big)"
    await view.click("#add")
    assert view.text("#todos-new-1") == "todo number new-1 (renamed)"


async def _frozen_size(client: LiveClient, n: str) -> int:
    view = await client.live(f"/streams/big/?n={n}")
    await view._transport.close()  # type: ignore[union-attr]  # the socket drops: the view freezes
    blob = await get_state_store().get(view.page.element_id)
    assert blob is not None
    return len(blob)


async def test_a_view_with_ten_thousand_streamed_items_freezes_as_small_as_an_empty_one(
    live_client: LiveClient,
) -> None:
    # URLs of one length: the URL is frozen too.
    empty = await _frozen_size(live_client, "00000")
    assert await _frozen_size(live_client, "10000") == empty


def _chat_lines(view: LiveViewTest) -> list[str]:
    return [li.get_text() for li in view.soup().select("#messages li")]


async def test_a_thawed_chat_shows_its_history_once_with_what_came_meanwhile(
    live_client: LiveClient,
) -> None:
    for n in range(3):
        await Message.objects.acreate(room="lobby", author="old", body=f"message {n}")
    view = await live_client.live("/chat/lobby/")
    await view.submit("#chat-form", {"body": "mine"})
    await view.wait_for(lambda v: "mine" in " ".join(_chat_lines(v)))
    await view._transport.close()  # type: ignore[union-attr]  # frozen, with no streams in it
    await Message.objects.acreate(room="lobby", author="bob", body="while you were away")
    await view.reconnect()
    expected = ["old: message 0", "old: message 1", "old: message 2"]
    assert _chat_lines(view)[:3] == expected
    assert _chat_lines(view)[3:] == [f"{view.text('#me')}: mine", "bob: while you were away"]


async def test_a_chat_holds_no_message_in_its_frozen_state(live_client: LiveClient) -> None:
    for n in range(50):
        await Message.objects.acreate(room="lobby", author="old", body=f"message {n}" * 20)
    view = await live_client.live("/chat/lobby/")
    assert len(_chat_lines(view)) == 50
    await view._transport.close()  # type: ignore[union-attr]
    blob = await get_state_store().get(view.page.element_id)
    assert blob is not None and b"message 1" not in blob


async def test_a_chat_frozen_while_idle_shows_each_message_once_when_it_wakes(
    live_client_factory: Any,
) -> None:
    ada: LiveClient = await live_client_factory()
    bob: LiveClient = await live_client_factory()
    ada_view = await ada.live("/chat/lobby/")
    bob_view = await bob.live("/chat/lobby/")
    await ada_view.submit("#chat-form", {"body": "before"})
    await bob_view.wait_for(lambda v: len(_chat_lines(v)) == 1)
    assert await registry.freeze_idle(0.0) >= 2
    # The broadcast wakes bob's view: on_thaw resets from the database, which
    # already holds the message, and the insert that follows updates that row.
    await ada_view.submit("#chat-form", {"body": "after"})
    await bob_view.wait_for(lambda v: len(_chat_lines(v)) == 2)
    lines = _chat_lines(bob_view)
    assert [line.split(": ")[1] for line in lines] == ["before", "after"]


async def test_a_thawed_scroll_page_shows_the_same_window_of_rows(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/streams/scroll/")
    for _ in range(3):
        await view.push("click", "next-page", {"id": "rows-x"})
    before = names(view, "rows")
    assert len(before) == 150 and before[0] == "rows-51"
    await view.reconnect()
    assert names(view, "rows") == before
    assert view.text("#window") == "Showing pages 2 to 4."


async def test_scrolling_past_the_top_shows_the_first_pages_in_one_reset(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/streams/scroll/")
    for _ in range(5):
        await view.push("click", "next-page", {"id": "rows-x"})
    await view.push("click", "prev-page", {"id": "rows-151", "_overran": True})
    shown = names(view, "rows")
    assert shown == [f"rows-{n}" for n in range(1, 151)]
    assert view.text("#window") == "Showing pages 1 to 3."
