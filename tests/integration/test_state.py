"""Issue: live state survives reconnects; refused states never leak someone else's data."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tether.live.registry import registry
from tether.live.session import SessionState
from tether.state import freeze, get_state_store, thaw
from tether.testing import LiveClient, LiveTestError, LiveViewTest


async def _wizard_at_step_two(client: LiveClient) -> Any:
    view = await client.live("/wizard/")
    await view.change("#wizard", {"name": "Ada"})
    await view.submit("#wizard")
    await view.change("#wizard", {"email": "ada@example.com"})
    await view.submit("#add-item", {"item": "first"})
    await view.submit("#add-item", {"item": "second"})
    assert view.text("#step") == "Step 2 of 3"
    return view


def _items(view: Any) -> list[str]:
    return [li.get_text() for li in view.soup().select("#items li")]


async def test_a_reconnect_resumes_step_values_and_list(live_client: LiveClient) -> None:
    view = await _wizard_at_step_two(live_client)
    await view.reconnect()
    assert view.text("#step") == "Step 2 of 3"
    assert view.element("#email")["value"] == "ada@example.com"
    assert _items(view) == ["first", "second"]
    await view.click("#back")
    assert view.element("#name")["value"] == "Ada"


async def test_without_frozen_state_the_view_mounts_fresh(live_client: LiveClient) -> None:
    view = await _wizard_at_step_two(live_client)
    await view._transport.close()  # type: ignore[union-attr]
    await get_state_store().delete(view.page.element_id)
    await view.reconnect()
    assert view.text("#step") == "Step 1 of 3"
    assert _items(view) == []


async def test_a_tampered_state_is_refused(live_client: LiveClient) -> None:
    view = await _wizard_at_step_two(live_client)
    await view._transport.close()  # type: ignore[union-attr]
    store = get_state_store()
    blob = await store.get(view.page.element_id)
    assert blob is not None
    forged = blob.replace(b"ada@example.com", b"eve@example.com")
    assert forged != blob
    await store.put(view.page.element_id, forged)
    await view.reconnect()
    assert view.text("#step") == "Step 1 of 3"


async def test_a_state_frozen_for_another_user_is_refused(live_client_factory: Any) -> None:
    users = get_user_model()
    ada = await users.objects.acreate_user("ada", password="pw")
    eve = await users.objects.acreate_user("eve", password="pw")
    ada_client: LiveClient = await live_client_factory()
    await ada_client.login(ada)
    ada_view = await _wizard_at_step_two(ada_client)
    eve_client: LiveClient = await live_client_factory()
    await eve_client.login(eve)
    eve_view = await eve_client.live("/wizard/")
    await ada_view._transport.close()  # type: ignore[union-attr]
    store = get_state_store()
    ada_blob = await store.get(ada_view.page.element_id)
    assert ada_blob is not None
    # Eve plants Ada's frozen state under her own page: it must not thaw for her.
    ada_state = thaw(
        ada_blob,
        view="pages.views.Wizard",
        element_id=ada_view.page.element_id,
        user_id=str(ada.pk),
        max_age=60,
    )
    ada_state.element_id = eve_view.page.element_id
    await store.put(eve_view.page.element_id, freeze(ada_state))
    await eve_view.reconnect()
    assert eve_view.text("#step") == "Step 1 of 3"
    assert "ada@example.com" not in eve_view.html()


async def test_an_expired_state_is_refused(
    live_client: LiveClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = await _wizard_at_step_two(live_client)
    await view._transport.close()  # type: ignore[union-attr]
    store = get_state_store()
    blob = await store.get(view.page.element_id)
    assert blob is not None
    state = thaw(
        blob, view="pages.views.Wizard", element_id=view.page.element_id, user_id=None, max_age=60
    )
    # Frozen two hours ago, with a one-hour TTL.
    monkeypatch.setattr(time, "time", lambda: state.frozen_at - 7200)
    old = freeze(state)
    monkeypatch.undo()
    await store.put(view.page.element_id, old)
    await view.reconnect()
    assert view.text("#step") == "Step 1 of 3"


async def test_an_unfreezable_assign_is_named_and_the_view_keeps_working(
    live_client: LiveClient, caplog: pytest.LogCaptureFixture
) -> None:
    view = await live_client.live("/echo/")
    session = next(s for sock in registry.sockets if (s := sock.sessions.get(view.topic)))
    assert session.view is not None
    object.__setattr__(session.view, "lock", threading.Lock())
    with caplog.at_level(logging.WARNING, logger="tether.freezing"):
        assert await registry.freeze_idle(0.0) == 0
    del session
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "Echo.lock cannot be frozen" in messages
    await view.push("click", "sync_add", {"n": "2"})
    assert view.text("#total") == "2"


async def test_idle_views_are_frozen_and_thaw_on_the_next_event(live_client: LiveClient) -> None:
    view = await _wizard_at_step_two(live_client)
    assert await registry.freeze_idle(0.0) >= 1
    session = next(s for sock in registry.sockets if (s := sock.sessions.get(view.topic)))
    assert session.state is SessionState.FROZEN
    assert session.view is None and session.renderer is None
    del session
    await view.submit("#add-item", {"item": "third"})
    assert _items(view) == ["first", "second", "third"]
    assert view.text("#step") == "Step 2 of 3"
    assert view.element("#email")["value"] == "ada@example.com"


async def test_anonymous_page_tokens_do_not_work_from_another_browser(
    live_client_factory: Any,
) -> None:
    # Review finding 12: browser B, with its own cookies and CSRF token, joined
    # with A's page tokens and resumed A's wizard draft (name and email).
    alice: LiveClient = await live_client_factory()
    view = await _wizard_at_step_two(alice)
    await view._transport.close()  # type: ignore[union-attr]  # A's state is frozen now
    mallory: LiveClient = await live_client_factory()
    own = await mallory.live("/wizard/")
    stolen = LiveViewTest(mallory, dataclasses.replace(view.page, csrf=own.page.csrf))
    with pytest.raises(LiveTestError, match="stale"):
        await stolen.connect()
    await view.reconnect()  # A's draft was not handed to B: A resumes it
    assert view.element("#email")["value"] == "ada@example.com"
