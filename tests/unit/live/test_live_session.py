"""LiveSession over the Transport seam: its states, its mailbox, its replies."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from tests.unit.live.joining import TOPIC, browser

from tether import protocol
from tether.errors import IllegalTransition
from tether.live.lifecycle import SessionState, transition
from tether.live.owner import Owner
from tether.live.session import LiveSession
from tether.protocol import Mailbox

pytestmark = pytest.mark.django_db


class FakeTransport:
    """Records what a session pushes; the seam a socket or long poll fills."""

    def __init__(self) -> None:
        self.owner = Owner()
        self.frames: list[list[Any]] = []
        self.closed: list[LiveSession] = []
        self.overloads: list[str] = []

    def push(self, frame: str) -> None:
        self.frames.append(json.loads(frame))

    def session_closed(self, session: Any) -> None:
        self.closed.append(session)

    def overloaded(self, reason: str) -> None:
        self.overloads.append(reason)

    async def settle(self) -> None:
        for _ in range(50):
            await asyncio.sleep(0.01)
            if not self.owner.task_count:
                return

    def replies(self) -> list[dict[str, Any]]:
        return [f[4] for f in self.frames if f[3] == protocol.PHX_REPLY]


async def joined(path: str = "/echo/") -> tuple[LiveSession, FakeTransport]:
    transport = FakeTransport()
    scope, payload = browser(path)
    session = LiveSession(transport, TOPIC, "1", scope)
    session.enqueue(Mailbox.JOIN, "1", payload)
    await transport.settle()
    return session, transport


async def test_a_join_renders_the_view_and_the_session_is_joined() -> None:
    session, transport = await joined()
    assert session.state is SessionState.JOINED
    [reply] = transport.replies()
    assert reply["status"] == protocol.STATUS_OK
    assert reply["response"][protocol.LIVEVIEW_VERSION_KEY] == protocol.LIVEVIEW_VERSION
    assert protocol.RENDERED in reply["response"]
    await session.close()


async def test_an_event_replies_with_only_what_changed() -> None:
    session, transport = await joined()
    session.enqueue(Mailbox.EVENT, "2", {"type": "click", "event": "sync_add", "value": {"n": 4}})
    await transport.settle()
    reply = transport.replies()[-1]
    assert reply == {"status": "ok", "response": {"diff": {"0": "4"}}}
    await session.close()


async def test_an_info_message_is_pushed_as_a_diff() -> None:
    session, transport = await joined()
    session.deliver("ping")
    await transport.settle()
    [topic, event, payload] = transport.frames[-1][2:]
    assert (topic, event) == (TOPIC, protocol.DIFF)
    assert payload == {"1": "info:ping"}
    await session.close()


async def test_a_frozen_idle_view_thaws_on_the_next_event_with_its_values() -> None:
    session, transport = await joined()
    session.enqueue(Mailbox.EVENT, "2", {"type": "click", "event": "sync_add", "value": {"n": 5}})
    await transport.settle()
    assert await session.freeze_idle()
    assert session.state is SessionState.FROZEN and session.view is None
    session.enqueue(Mailbox.EVENT, "3", {"type": "click", "event": "sync_add", "value": {"n": 1}})
    await transport.settle()
    assert session.state is SessionState.JOINED
    diff = transport.replies()[-1]["response"]["diff"]
    assert diff["0"] == "6"  # 5 survived the freeze; the client gets the whole tree again
    await session.close()


async def test_a_forged_token_is_refused_as_stale_and_closes_the_session() -> None:
    transport = FakeTransport()
    scope, payload = browser()
    payload[protocol.SESSION] = payload[protocol.SESSION][:-2] + "xx"
    session = LiveSession(transport, TOPIC, "1", scope)
    session.enqueue(Mailbox.JOIN, "1", payload)
    await transport.settle()
    assert transport.replies() == [
        {"status": "error", "response": {"reason": protocol.REASON_STALE}}
    ]
    assert session.state is SessionState.CLOSED
    assert transport.closed == [session]


async def test_close_ends_the_view_and_later_work_is_ignored() -> None:
    session, transport = await joined()
    timer = session.view.send_after(60, "late")  # type: ignore[union-attr]
    await session.close()
    assert session.state is SessionState.CLOSED and session.view is None
    assert transport.closed == [session]
    session.enqueue(Mailbox.EVENT, "9", {"type": "click", "event": "sync_add", "value": {}})
    await transport.settle()
    assert len(transport.replies()) == 1  # only the join's
    timer.cancel()


async def test_illegal_transitions_raise_instead_of_passing_silently() -> None:
    with pytest.raises(IllegalTransition, match="closed -> joined"):
        transition("lv:x", SessionState.CLOSED, SessionState.JOINED)
    with pytest.raises(IllegalTransition, match="joining -> frozen"):
        transition("lv:x", SessionState.JOINING, SessionState.FROZEN)
    assert transition("lv:x", SessionState.FROZEN, SessionState.JOINED) is SessionState.JOINED


async def test_a_view_not_yet_joined_cannot_be_frozen() -> None:
    transport = FakeTransport()
    scope, _ = browser()
    session = LiveSession(transport, TOPIC, "1", scope)
    assert not await session.freeze_idle()
    assert session.state is SessionState.JOINING


async def test_a_flood_of_server_messages_drops_the_oldest_and_never_closes_the_receiver(
    settings: Any,
) -> None:
    settings.TETHER = {"MAILBOX_LIMIT": 3}
    session, transport = await joined()
    for n in range(10):
        session.deliver(n)  # queued faster than the view can run
    await transport.settle()
    assert transport.overloads == []
    last = [f[4] for f in transport.frames if f[3] == protocol.DIFF][-1]
    assert last == {"1": "info:9"}  # the newest got through
    await session.close()


async def test_a_client_flooding_its_own_view_is_disconnected(settings: Any) -> None:
    settings.TETHER = {"MAILBOX_LIMIT": 3}
    session, transport = await joined()
    for n in range(10):
        session.enqueue(Mailbox.EVENT, str(n), {"type": "click", "event": "sync_add"})
    assert transport.overloads and "more than 3 pending" in transport.overloads[0]
    await session.close()


async def test_a_handler_past_its_deadline_is_cancelled_with_a_timeout_reply(
    settings: Any,
) -> None:
    settings.TETHER = {**settings.TETHER, "HANDLER_TIMEOUT": 0.2}
    session, transport = await joined()
    session.enqueue(Mailbox.EVENT, "2", {"type": "click", "event": "hang", "value": {}})
    for _ in range(100):  # the sweep cancels it between 0.2 and 0.25 s
        await asyncio.sleep(0.01)
        if len(transport.replies()) > 1:
            break
    assert transport.replies()[-1] == {
        "status": "error",
        "response": {"reason": protocol.REASON_TIMEOUT},
    }
    assert transport.frames[-1][3] == protocol.PHX_ERROR  # crashed: the client rejoins
    await session.close()


async def test_closing_during_a_step_is_not_taken_for_an_overrun(settings: Any) -> None:
    settings.TETHER = {**settings.TETHER, "HANDLER_TIMEOUT": 0.2}
    session, transport = await joined()
    session.enqueue(Mailbox.EVENT, "2", {"type": "click", "event": "hang", "value": {}})
    await asyncio.sleep(0.05)
    await session.close()
    await asyncio.sleep(0.3)  # past the deadline the closed step no longer has
    assert len(transport.replies()) == 1  # the join's; no timeout reply, no crash
    assert all(f[3] != protocol.PHX_ERROR for f in transport.frames)
