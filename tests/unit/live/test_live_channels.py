"""Channels: routing, per-connection limits, and join floods (review finding 2)."""

from __future__ import annotations

import asyncio
import gc
import json
from typing import Any

import pytest
from tests.unit.live.joining import TOPIC, browser

from tether import protocol
from tether.live.channels import Channels
from tether.live.session import LiveSession
from tether.state.memory import MemoryStateStore
from tether.view import LiveView

pytestmark = pytest.mark.django_db


class Recorder(Channels):
    """Channels over nothing: what a transport would send and how it would close."""

    __slots__ = ("closed", "frames")

    def __init__(self, scope: dict[str, Any]) -> None:
        super().__init__(scope)
        self.frames: list[list[Any]] = []
        self.closed: tuple[int, str] | None = None

    def push(self, frame: str) -> None:
        self.frames.append(json.loads(frame))

    def close(self, code: int = protocol.CLOSE_NORMAL, reason: str = "") -> None:
        self.closed = self.closed or (code, reason)

    def replies(self) -> list[Any]:
        return [f[4] for f in self.frames if f[3] == protocol.PHX_REPLY]

    async def settle(self) -> None:
        for _ in range(200):
            await asyncio.sleep(0.01)
            if not self.owner.task_count:
                return


class SlowStore(MemoryStateStore):
    """A state store that makes every join wait, as a remote Redis would."""

    async def take(self, key: str) -> bytes | None:
        await asyncio.sleep(0.02)
        return await super().take(key)


async def test_a_join_flood_holds_one_session_per_topic_and_leaves_no_reference_cycle(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each join replaced the previous one while it waited on the state store;
    # the cancelled joins' tracebacks kept cycles that only a full collection
    # freed, and the collector had frozen them: memory grew without bound.
    settings.TETHER = {"RATE_LIMIT": {"PER_SECOND": 10_000, "BURST": 10_000}}
    store = SlowStore()
    monkeypatch.setattr("tether.live.freezing.get_state_store", lambda: store)
    scope, payload = browser()
    channels = Recorder(scope)
    gc.collect()
    gc.disable()
    try:
        for n in range(200):
            channels.dispatch(str(n), str(n), TOPIC, protocol.PHX_JOIN, payload)
            if n % 20 == 0:
                await asyncio.sleep(0.005)  # some joins get as far as the store
        await channels.settle()
        assert len(channels.sessions) == 1
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        leaked = [o for o in gc.garbage if isinstance(o, (LiveSession, LiveView))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert leaked == []
    session = channels.sessions[TOPIC]
    assert session.view is not None  # the last join won
    await channels.close_sessions()


async def test_work_past_the_rate_limit_is_refused_then_the_flooder_is_disconnected(
    settings: Any,
) -> None:
    settings.TETHER = {"RATE_LIMIT": {"PER_SECOND": 0.001, "BURST": 5}}
    scope, _ = browser()
    channels = Recorder(scope)
    for n in range(10):
        channels.dispatch("1", str(n), TOPIC, protocol.EVENT, {"event": "x", "type": "click"})
    reasons = [r["response"]["reason"] for r in channels.replies()]
    assert reasons[:5] == [protocol.REASON_UNMATCHED_TOPIC] * 5  # let through, no view
    assert reasons[5:] == [protocol.REASON_RATE_LIMITED] * 5  # a burst of refusals
    assert channels.closed is None
    channels.dispatch("1", "11", TOPIC, protocol.EVENT, {"event": "x", "type": "click"})
    assert channels.closed == (protocol.CLOSE_POLICY, "rate limit exceeded")


async def test_heartbeats_are_never_rate_limited(settings: Any) -> None:
    settings.TETHER = {"RATE_LIMIT": {"PER_SECOND": 0.001, "BURST": 1}}
    channels = Recorder(browser()[0])
    for n in range(20):
        channels.dispatch(None, str(n), protocol.HEARTBEAT_TOPIC, protocol.HEARTBEAT, {})
    assert [r["status"] for r in channels.replies()] == ["ok"] * 20
    assert channels.closed is None


async def test_a_connection_holds_at_most_max_views(settings: Any) -> None:
    settings.TETHER = {"MAX_VIEWS_PER_SOCKET": 2}
    scope, payload = browser()
    channels = Recorder(scope)
    for n in range(3):
        channels.dispatch(str(n), str(n), f"lv:phx-{n}", protocol.PHX_JOIN, payload)
    assert channels.replies()[-1]["response"] == {"reason": protocol.REASON_TOO_MANY_VIEWS}
    assert len(channels.sessions) == 2
    await channels.settle()
    await channels.close_sessions()


async def test_a_leave_is_answered_then_the_channel_closed_as_phoenix_does() -> None:
    scope, payload = browser()
    channels = Recorder(scope)
    channels.dispatch("1", "1", TOPIC, protocol.PHX_JOIN, payload)
    await channels.settle()
    channels.dispatch("1", "2", TOPIC, protocol.PHX_LEAVE, {})
    await channels.settle()
    reply, close = channels.frames[-2:]
    assert reply[1:4] == ["2", TOPIC, protocol.PHX_REPLY] and reply[4]["status"] == "ok"
    assert close == ["1", "1", TOPIC, protocol.PHX_CLOSE, {}]
    assert channels.sessions == {}
