"""The chat room, tested as a project using Tether tests its own pages.

``tether.testing`` runs the project's ASGI app inside the test process and speaks
the real LiveView protocol to it: no browser, no server, no network.
"""

from __future__ import annotations

from typing import Any

import pytest

from tether.testing import LiveClient, LiveViewTest

# Plain ``def`` handlers run in worker threads with their own database
# connections, so the data must really be committed: transaction=True.
pytestmark = pytest.mark.django_db(transaction=True)


def present(view: LiveViewTest) -> list[str]:
    return [li.get_text() for li in view.soup().select("#present li")]


async def test_a_message_reaches_the_other_person_in_the_room(
    live_client_factory: Any, ada: Any, bob: Any
) -> None:
    ada_browser: LiveClient = await live_client_factory()
    await ada_browser.login(ada)
    ada_view = await ada_browser.live("/chat/garden/")

    bob_browser: LiveClient = await live_client_factory()
    await bob_browser.login(bob)
    bob_view = await bob_browser.live("/chat/garden/")

    assert ada_view.title == "#garden"
    assert ada_view.text("#me") == "ada"
    await ada_view.wait_for(lambda view: present(view) == ["ada", "bob"])
    assert present(bob_view) == ["ada", "bob"]

    await ada_view.submit("#chat-form", {"body": "the tulips are up"})

    await bob_view.wait_for_element("#messages li", text="the tulips are up")
    assert bob_view.has_element("#messages li", text="ada: the tulips are up")
    assert ada_view.has_element("#messages li", text="ada: the tulips are up")
    assert ada_view.element("#body")["value"] == "", "the sender's field is cleared"


async def test_an_empty_message_is_refused_and_nobody_else_sees_it(
    live_client: LiveClient, ada: Any
) -> None:
    await live_client.login(ada)
    view = await live_client.live("/chat/garden/")

    await view.submit("#chat-form", {"body": "   "})

    assert view.text("#chat-error") == "Write something first."
    assert not view.has_element("#messages li")
