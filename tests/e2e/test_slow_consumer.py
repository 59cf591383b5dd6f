"""A client that stops reading is dropped at its buffer limit; the others never wait."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

from tests.e2e.pageclient import Socket, dead_render, open_socket
from websockets.exceptions import ConnectionClosed

BODY = "x" * 1900


async def _joined(server: Any, room: str, **options: Any) -> tuple[Any, Socket, Any]:
    page = await dead_render(server.url, f"/chat/{room}/")
    ws = await open_socket(server.ws_url, page, **options).__aenter__()
    sock = Socket(ws)
    reply = await sock.join(page)
    assert reply[4]["status"] == "ok"
    return page, sock, ws


async def test_a_client_that_stops_reading_is_disconnected_and_others_keep_receiving(
    server_factory: Any, tmp_path: Path
) -> None:
    # The poster sends thousands of messages, far past a person's rate limit.
    server = server_factory(TETHER_OUTBOUND_BUFFER_BYTES="65536", TETHER_RATE_PER_SECOND="100000")
    room = "slow-room"
    # The slow client: a tiny receive buffer and a one-frame queue, and it never reads.
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect(("127.0.0.1", server.port))
    raw.setblocking(False)
    _, _slow, slow_ws = await _joined(server, room, sock=raw, max_queue=1)
    _, fast, fast_ws = await _joined(server, room)
    poster_page, poster, poster_ws = await _joined(server, room)

    received = 0
    slow_dropped = False
    log = next(tmp_path.glob("server-*.log"))  # noqa: ASYNC240
    for n in range(4000):
        await poster.push(
            poster_page.topic,
            "event",
            {"type": "form", "event": "send", "value": f"body={BODY}{n}"},
        )
        # The fast client gets every message while the slow one is being dropped.
        while True:
            frame = await asyncio.wait_for(fast.recv(), 10)
            if frame[3] == "diff" and f"{BODY}{n}" in str(frame[4]):
                received += 1
                break
        if n % 50 == 49 and "client not reading" in log.read_text():
            slow_dropped = True
            break
    assert slow_dropped, "the server never dropped the slow reader"
    assert received == n + 1
    # What the kernel still held for the slow client ends in a close, not more waiting.
    frames = 0
    try:
        async with asyncio.timeout(30):
            while True:
                await slow_ws.recv()
                frames += 1
    except ConnectionClosed:
        pass
    assert frames < n
    for ws in (fast_ws, poster_ws):
        await ws.close()
