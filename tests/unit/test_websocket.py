"""tether.websocket: uvicorn's sans-I/O WebSocket protocol with a light mailbox and write flag.

A real ``websockets`` client protocol (sans-I/O) talks to the server protocol
through an in-memory transport: handshake, messages both ways in order,
uvicorn's read back-pressure, a full write buffer, and the client's close.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.uri import parse_uri

from tether.websocket import Mailbox, WebSocketProtocol, Writable


class Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.out = bytearray()
        self.closed = False
        self.reading = True

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.out += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )


class Peer:
    """The browser's side: a sans-I/O client wired to the server protocol."""

    def __init__(self, app: Any) -> None:
        config = Config(app=app, ws="tether.websocket:WebSocketProtocol", lifespan="off")
        config.load()
        self.server = WebSocketProtocol(config=config, server_state=ServerState(), app_state={})
        self.transport = Transport()
        self.server.connection_made(self.transport)
        self.client = ClientProtocol(parse_uri("ws://127.0.0.1:8000/live/websocket"))

    def push(self) -> None:
        self.server.data_received(b"".join(self.client.data_to_send()))

    async def pull(self) -> list[Any]:
        """What the server wrote, once it wrote something, as client events."""
        for _ in range(200):
            if self.transport.out:
                break
            await asyncio.sleep(0.005)
        self.client.receive_data(bytes(self.transport.out))
        self.transport.out.clear()
        return list(self.client.events_received())

    async def open(self) -> None:
        self.client.send_request(self.client.connect())
        self.push()
        (response,) = await self.pull()
        assert isinstance(response, Response) and response.status_code == 101


async def test_a_handshake_and_messages_both_ways_in_order() -> None:
    seen: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            seen.append(message)
            if message["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": message["text"].upper()})

    peer = Peer(app)
    handshakes: list[Request] = []
    parsed = peer.server.handle_connect
    peer.server.handle_connect = lambda request: (handshakes.append(request), parsed(request))  # type: ignore[method-assign]
    await peer.open()
    assert isinstance(peer.server.queue, Mailbox)
    assert isinstance(peer.server.writable, Writable)
    assert peer.server.request is None and peer.server.response is None, "handshake kept"
    assert handshakes and not handshakes[0].headers, "the parser still holds the headers"
    # Three frames in one read: the app gets them in order, reads pause meanwhile.
    for word in ("one", "two", "three"):
        peer.client.send_text(word.encode())
    peer.push()
    assert not peer.transport.reading, "reads go on while messages wait for the app"
    frames: list[Frame] = []
    while len(frames) < 3:
        frames += [e for e in await peer.pull() if isinstance(e, Frame)]
    assert [f.data.decode() for f in frames] == ["ONE", "TWO", "THREE"]
    assert peer.transport.reading, "reads stay paused once the app has read everything"
    peer.client.send_close(1000)
    peer.push()
    for _ in range(200):
        if seen and seen[-1]["type"] == "websocket.disconnect":
            break
        await asyncio.sleep(0.005)
    assert [m.get("text") for m in seen[:3]] == ["one", "two", "three"]
    assert seen[-1] == {"type": "websocket.disconnect", "code": 1000, "reason": ""}
    close = [e for e in await peer.pull() if isinstance(e, Frame)]
    assert close and close[0].opcode is Opcode.CLOSE


async def test_a_send_waits_while_the_transport_buffer_is_full() -> None:
    sent = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await receive()
        await send({"type": "websocket.send", "text": "late"})
        sent.set()
        await receive()

    peer = Peer(app)
    await peer.open()
    peer.server.pause_writing()
    peer.client.send_text(b"go")
    peer.push()
    await asyncio.sleep(0.05)
    assert not sent.is_set(), "sent into a full buffer"
    peer.server.resume_writing()
    await asyncio.wait_for(sent.wait(), 1)
    frames = [e for e in await peer.pull() if isinstance(e, Frame)]
    assert frames[0].data == b"late"
    peer.server.connection_lost(None)


async def test_a_mailbox_reader_cancelled_while_waiting_loses_no_message() -> None:
    box = Mailbox()
    reader = asyncio.create_task(box.get())
    await asyncio.sleep(0)
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    box.put_nowait("a")
    box.put_nowait("b")
    assert box.qsize() == 2
    assert [await box.get(), await box.get()] == ["a", "b"]
    assert box.empty()


async def test_one_cancelled_sender_does_not_wake_the_others_with_its_error() -> None:
    flag = Writable()
    flag.clear()
    first = asyncio.create_task(flag.wait())
    second = asyncio.create_task(flag.wait())
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    assert not second.done()
    flag.set()
    assert await asyncio.wait_for(second, 1) is True
    assert flag.is_set()


async def test_a_close_before_accept_still_refuses_the_handshake() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.close", "code": 1008})

    peer = Peer(app)
    peer.client.send_request(peer.client.connect())
    peer.push()
    (response,) = await peer.pull()
    assert isinstance(response, Response) and response.status_code == 403
