"""The chat room through tether.testing: pub/sub, presence, validation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from pages.models import Message
from tether.testing import LiveClient


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


async def test_empty_blank_and_oversized_messages_are_refused(live_client_factory: Any) -> None:
    ada = await _member(live_client_factory, "ada")
    bob = await _member(live_client_factory, "bob")
    updates_before = len(bob.updates)
    for body, error in (
        ("", "Write something first."),
        ("   \n ", "Write something first."),
        ("x" * 2001, "Messages are limited to 2,000 characters"),
    ):
        await ada.submit("#chat-form", {"body": body})
        assert error in ada.text("#chat-error")
    assert await Message.objects.acount() == 0
    assert not ada.has_element("#messages li")
    await ada.submit("#chat-form", {"body": "x" * 2000})
    assert not ada.has_element("#chat-error")
    await bob.wait_for_element("#messages li")
    # The refused ones never reached bob: his first new update is the accepted message.
    assert all("x" * 2000 not in u.raw for u in bob.updates[:updates_before])
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
