"""LiveSocket over ASGI in-process: the transport under Channels and LiveSession."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.core.asgi import get_asgi_application
from tests.fuzz.wire import RawSocket
from tests.unit.live.joining import TOPIC, browser

from tether import protocol
from tether.asgi import TetherASGI
from tether.live.registry import registry
from tether.live.socket import LiveSocket, SocketState
from tether.state import get_state_store

pytestmark = pytest.mark.django_db


async def _opened() -> tuple[RawSocket, dict[str, object]]:
    scope, payload = browser()
    socket = RawSocket(TetherASGI(get_asgi_application(), serve_static=False))
    socket.headers = list(scope["headers"])
    assert await socket.connect(b"vsn=2.0.0")
    return socket, payload


async def _reply(socket: RawSocket) -> list[object]:
    while True:
        text = await socket.receive()
        assert text is not None, "the socket closed"
        frame = json.loads(text)
        if frame[3] == protocol.PHX_REPLY:
            return frame  # type: ignore[no-any-return]


async def test_join_event_and_heartbeat_over_the_socket() -> None:
    socket, payload = await _opened()
    await socket.send(json.dumps(["1", "1", TOPIC, "phx_join", payload]))
    assert (await _reply(socket))[4]["status"] == "ok"  # type: ignore[index]
    event = {"type": "click", "event": "sync_add", "value": {"n": 7}}
    await socket.send(json.dumps(["1", "2", TOPIC, "event", event]))
    assert (await _reply(socket))[4] == {"status": "ok", "response": {"diff": {"0": "7"}}}
    await socket.send(json.dumps([None, "3", "phoenix", "heartbeat", {}]))
    assert (await _reply(socket))[1:4] == ["3", "phoenix", "phx_reply"]
    await socket.close()


async def test_a_closed_socket_freezes_its_views_and_leaves_the_registry() -> None:
    socket, payload = await _opened()
    await socket.send(json.dumps(["1", "1", TOPIC, "phx_join", payload]))
    await _reply(socket)
    assert any(TOPIC in s.sessions for s in registry.sockets)
    await socket.close()
    assert not any(TOPIC in s.sessions for s in registry.sockets)
    assert await get_state_store().take(TOPIC.removeprefix("lv:")) is not None


async def test_a_heartbeat_is_answered_while_a_handler_hangs() -> None:
    # A view's handler never holds up the socket's other frames.
    socket, payload = await _opened()
    await socket.send(json.dumps(["1", "1", TOPIC, "phx_join", payload]))
    await _reply(socket)
    await socket.send(json.dumps(["1", "2", TOPIC, "event", {"type": "click", "event": "hang"}]))
    await asyncio.sleep(0.05)  # the handler is waiting by now (else this proves less)
    await socket.send(json.dumps([None, "3", "phoenix", "heartbeat", {}]))
    assert (await _reply(socket))[1:4] == ["3", "phoenix", "phx_reply"]
    await socket.close()


async def test_replies_arrive_in_the_order_the_events_were_sent() -> None:
    socket, payload = await _opened()
    await socket.send(json.dumps(["1", "1", TOPIC, "phx_join", payload]))
    await _reply(socket)
    for ref in range(2, 12):
        event = {"type": "click", "event": "sync_add", "value": {"n": 1}}
        await socket.send(json.dumps(["1", str(ref), TOPIC, "event", event]))
    replies = [await _reply(socket) for _ in range(10)]
    assert [r[1] for r in replies] == [str(ref) for ref in range(2, 12)]
    assert [r[4]["response"]["diff"]["0"] for r in replies] == [str(n) for n in range(1, 11)]  # type: ignore[index]
    await socket.close()


async def test_frames_pushed_in_one_turn_are_written_after_it_without_a_task_in_order() -> None:
    loop = asyncio.get_running_loop()
    gate: asyncio.Future[None] = loop.create_future()
    written: list[str] = []

    async def send(message: dict[str, object]) -> None:
        if message["text"] == "slow":
            await gate  # the transport's buffer is full until the client reads
        written.append(str(message["text"]))

    async def receive() -> dict[str, object]:
        return await loop.create_future()

    socket = LiveSocket({"type": "websocket", "headers": []}, receive, send)
    socket.state = SocketState.OPEN
    socket.push("first")
    socket.push("quick")
    assert written == []  # not while the turn's other work runs: all together after it
    await asyncio.sleep(0)
    assert written == ["first", "quick"]
    assert socket.owner.task_count == 0  # the transport took them: no writer task
    socket.push("slow")
    socket.push("second")
    await asyncio.sleep(0)
    socket.push("third")
    assert written == ["first", "quick"] and socket.owner.task_count == 1  # a writer waits
    gate.set_result(None)
    writer = socket._writer
    assert isinstance(writer, asyncio.Task)
    await writer
    assert written == ["first", "quick", "slow", "second", "third"]
    await socket.owner.close()


async def test_frames_still_queued_when_the_socket_closes_are_sent_before_the_close() -> None:
    sent: list[dict[str, object]] = []
    receiving: asyncio.Queue[dict[str, object]] = asyncio.Queue()

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    socket = LiveSocket({"type": "websocket", "headers": []}, receiving.get, send)
    socket.state = SocketState.OPEN
    socket.push("last words")
    socket.close(protocol.CLOSE_GOING_AWAY, "bye")
    await socket._shutdown()
    await asyncio.sleep(0)  # the flush comes after: it must not write again
    assert [m.get("text") for m in sent] == ["last words", None]
    assert sent[-1]["type"] == "websocket.close"
