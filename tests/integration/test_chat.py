"""The chat room through tether.testing: pub/sub, presence, validation."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from pages.models import Message
from tether.testing import LiveClient, LiveViewTest
from tether.testing.tree import ClientTree


async def _member(factory: Any, name: str) -> Any:
    user = await get_user_model().objects.acreate_user(name, password="pw")
    client: LiveClient = await factory()
    await client.login(user)
    return await client.live("/chat/lobby/")


def _present(view: Any) -> list[str]:
    return [li.get_text() for li in view.soup().select("#present li")]


async def test_a_message_reaches_everyone_in_the_room(live_client_factory: Any) -> None:
    ada = await _member(live_client_factory, "ada")
    bob = await _member(live_client_factory, "bob")
    await ada.wait_for(lambda v: _present(v) == ["ada", "bob"])
    await bob.wait_for(lambda v: _present(v) == ["ada", "bob"])
    await ada.submit("#chat-form", {"body": "hello bob"})
    await bob.wait_for_element("#messages li", text="hello bob")
    assert ada.has_element("#messages li", text="ada: hello bob")
    assert ada.element("#body")["value"] == ""
    assert await Message.objects.filter(room="lobby", body="hello bob").acount() == 1


async def test_a_second_tab_is_one_person_and_leaving_updates_the_list(
    live_client_factory: Any,
) -> None:
    ada = await _member(live_client_factory, "ada")
    bob = await _member(live_client_factory, "bob")
    bob_again = await bob.client.live("/chat/lobby/")
    await ada.wait_for(lambda v: _present(v) == ["ada", "bob (2 tabs)"])
    await bob_again.close()
    await ada.wait_for(lambda v: _present(v) == ["ada", "bob"])
    await bob.close()
    await ada.wait_for(lambda v: _present(v) == ["ada"])


def _messages_shown_after_each_update(view: LiveViewTest) -> list[tuple[str, ...]]:
    """The message list the view's page showed after each update, replayed from its diffs."""
    tree = ClientTree()
    shown = []
    for update in view.updates:
        if not update.raw:  # a join's rendered tree starts the page over
            tree = ClientTree()
        tree.merge(update.diff)
        items = BeautifulSoup(tree.to_html(), "html.parser").select("#messages li")
        shown.append(tuple(li.get_text() for li in items))
    return shown


async def test_refused_messages_never_reach_the_others_only_the_accepted_one_does(
    live_client_factory: Any,
) -> None:
    ada = await _member(live_client_factory, "ada")
    bob = await _member(live_client_factory, "bob")
    refused = (
        ("", "Write something first."),
        ("   \n ", "Write something first."),
        ("x" * 2001, "Messages are limited to 2,000 characters"),
    )
    updates_before = len(bob.updates)
    for body, error in refused:
        await ada.submit("#chat-form", {"body": body})
        assert error in ada.text("#chat-error")
    assert await Message.objects.acount() == 0
    assert not ada.has_element("#messages li")
    accepted = "x" * 2000
    await ada.submit("#chat-form", {"body": accepted})
    assert not ada.has_element("#chat-error")
    # Broadcasts arrive in order: once bob has the accepted message, a refused one
    # that had been broadcast would already be among his updates.
    await bob.wait_for_element("#messages li")
    shown = _messages_shown_after_each_update(bob)[updates_before:]
    assert set(shown) <= {(), (f"ada: {accepted}",)}, "a refused message reached bob"
    assert shown[-1] == (f"ada: {accepted}",)
    assert all("x" * 2001 not in update.raw for update in bob.updates)
    assert await Message.objects.acount() == 1


async def test_typing_shows_for_the_others_and_not_for_the_typist(
    live_client_factory: Any,
) -> None:
    ada = await _member(live_client_factory, "ada")
    bob = await _member(live_client_factory, "bob")
    await ada.change("#chat-form", {"body": "hel"})
    await bob.wait_for(lambda v: "ada is typing" in v.text("#typing"))
    assert "typing" not in ada.text("#typing")


async def test_the_last_fifty_messages_load_when_the_room_opens(live_client: LiveClient) -> None:
    for n in range(60):
        await Message.objects.acreate(room="lobby", author="old", body=f"message {n}")
    view = await live_client.live("/chat/lobby/")
    texts = [li.get_text() for li in view.soup().select("#messages li")]
    assert len(texts) == 50
    assert texts[0] == "old: message 10" and texts[-1] == "old: message 59"
