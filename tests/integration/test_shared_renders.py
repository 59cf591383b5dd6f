"""Many pages of one room: a broadcast is rendered once, and every page still shows its own view.

Each page's merged HTML is compared with what Django renders from that
view's assigns now (a fresh dead render of its state), after broadcasts,
after one view makes its list its own, after it takes the room's list again,
and after a message changed in place.
"""

from __future__ import annotations

import json
from typing import Any

from bs4 import BeautifulSoup
from django.template.loader import get_template
from tests.integration import shared_views

from tether.live.registry import registry
from tether.live.session import LiveSession
from tether.templates import Comprehension
from tether.testing import LiveClient, LiveViewTest

PAGES = 12
ROOM = "itest/shared_room.html"


def _session(page: LiveViewTest) -> LiveSession:
    for socket in registry.sockets:
        session = socket.sessions.get(page.topic)
        if session is not None and session.view is not None:
            return session
    raise AssertionError(f"no live session for {page.topic}")


def _room(html: str) -> str:
    found = BeautifulSoup(html, "html.parser").select_one("#room")
    assert found is not None
    return str(found)


def _assert_fresh(pages: list[LiveViewTest]) -> None:
    """Every page shows what a fresh render of its view's state shows."""
    for page in pages:
        view = _session(page).view
        assert view is not None
        expected = get_template(ROOM).render(view.get_assigns())
        assert _room(page.html()) == _room(expected)


def _loop_of(page: LiveViewTest) -> Comprehension:
    renderer = _session(page).renderer
    assert renderer is not None and renderer.tree is not None
    found = [d for d in renderer.tree.dynamics if isinstance(d, Comprehension)]
    return found[0]


async def _post(client: LiveClient, pages: list[LiveViewTest], n: int) -> None:
    message = {"id": n, "author": f"u{n % 3}", "body": f"hello {n}", "stars": 0}
    shared_views.HISTORY = [*shared_views.HISTORY, message]
    await client.broadcast(shared_views.TOPIC, ("messages", shared_views.HISTORY))
    for page in pages:
        await page.wait_for(lambda v: f"#{n} " in v.text("#count") or f"hello {n}" in v.html())


async def _open(factory: Any, path: str) -> tuple[LiveClient, list[LiveViewTest]]:
    shared_views.HISTORY = []
    pages = []
    client: LiveClient = await factory()
    for i in range(PAGES):
        pages.append(await (await factory()).live(f"{path}?me=u{i % 3}"))
    return client, pages


async def test_every_page_of_a_room_shows_each_broadcast_as_a_fresh_render_would(
    live_client_factory: Any,
) -> None:
    client, pages = await _open(live_client_factory, "/shared-room/")
    for n in range(3):
        await _post(client, pages, n)
        _assert_fresh(pages)
    # One tree for the room's list, whoever the viewer is.
    assert len({id(_loop_of(page)) for page in pages}) == 1
    # Message 2 is u2's: u2's pages got one diff, every other page the other.
    assert len({json.dumps(page.updates[-1].diff, sort_keys=True) for page in pages}) == 2

    await pages[0].hook("mine")  # u0 keeps only their own messages: a state of its own
    _assert_fresh(pages)
    await _post(client, pages[1:], 3)
    _assert_fresh(pages)
    assert "hello 3" not in pages[0].html()
    assert _loop_of(pages[0]) is not _loop_of(pages[1])

    await pages[0].hook("rejoin")  # and takes the room's list again
    await _post(client, pages, 4)
    _assert_fresh(pages)
    assert len({id(_loop_of(page)) for page in pages}) == 1

    await pages[1].hook("star", {"id": 2})  # a message changed in place, and marked
    _assert_fresh(pages[1:2])
    assert pages[1].has_element("#m2 small", text="1")
    newcomer = await (await live_client_factory()).live("/shared-room/?me=u9")
    _assert_fresh([newcomer])  # the same list object: not the render from before the star
    assert newcomer.has_element("#m2 small", text="1")
    await _post(client, pages, 5)  # the others see it with the next broadcast
    _assert_fresh(pages)
    assert all(page.has_element("#m2 small", text="1") for page in pages)


async def test_stream_rows_and_components_in_a_shared_page_stay_each_views_own(
    live_client_factory: Any,
) -> None:
    client, pages = await _open(live_client_factory, "/shared-room/extras/")
    await _post(client, pages, 0)
    _assert_fresh(pages)
    assert all(page.has_element("#stars .total", text="1") for page in pages)

    await client.broadcast(shared_views.TOPIC, ("note", {"id": 1, "author": "u1", "text": "hi"}))
    for page in pages:
        await page.wait_for(lambda v: v.has_element("#notes li", text="hi"))
    for i, page in enumerate(pages):
        assert page.has_element("#notes li b", text="hi") == (i % 3 == 1)

    await pages[2].click("#stars .star")  # a component's own state, in one page only
    assert pages[2].has_element("#stars .star", text="1")
    await _post(client, pages, 1)
    _assert_fresh(pages)
    for i, page in enumerate(pages):
        assert page.has_element("#stars .total", text="2")
        assert page.has_element("#stars .star", text="1" if i == 2 else "0")
        assert page.has_element("#notes li", text="hi")  # the client keeps streamed rows


async def test_with_sharing_off_each_view_renders_its_own_tree(
    live_client_factory: Any, settings: Any
) -> None:
    settings.TETHER = {**settings.TETHER, "SHARED_RENDERS": {"ENTRIES": 0, "SECONDS": 2.0}}
    client, pages = await _open(live_client_factory, "/shared-room/")
    await _post(client, pages, 0)
    _assert_fresh(pages)
    assert len({id(_loop_of(page)) for page in pages}) == PAGES
