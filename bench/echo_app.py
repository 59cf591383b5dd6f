"""A bare ASGI WebSocket echo app: the limits an open socket can't go below.

Run under the same uvicorn settings as the demo: ``uvicorn bench.echo_app:app``.
Plain HTTP requests get a one-line 200 so a health check can reach it.

Every socket echoes what it gets: the memory of an open socket and the round
trip of a frame with no work done. Sockets opened on ``ROOM_PATH`` are also in
one room, and a frame whose event is ``broadcast`` is sent to every socket in
it, one ASGI send after another: the least a Python server does to tell a room
(``bench/floors.py``). Only the room's sockets are registered, so the echo's
memory figure holds nothing a plain socket would not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

ROOM_PATH = "/room/"
BROADCAST = '"broadcast"'  # the event of a frame the room gets (a JSON string)

_room: set[Send] = set()


async def app(scope: Message, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":
        await _echo(receive, send, scope.get("path") == ROOM_PATH)
    elif scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"echo\n"})
    elif scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})


async def _echo(receive: Receive, send: Send, in_room: bool) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    if in_room:
        _room.add(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is not None:
                if in_room and BROADCAST in text:
                    await _tell_room(text)
                else:
                    await send({"type": "websocket.send", "text": text})
            elif message.get("bytes") is not None:
                await send({"type": "websocket.send", "bytes": message["bytes"]})
    finally:
        _room.discard(send)


async def _tell_room(text: str) -> None:
    frame = {"type": "websocket.send", "text": text}
    for send in list(_room):
        try:
            await send(frame)
        except Exception:  # a socket closing meanwhile: the rest still hear it
            _room.discard(send)
