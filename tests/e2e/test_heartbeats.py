"""Heartbeats sent on time keep a socket open, however busy the server is.

A server process that cannot run for a while (here: stopped with SIGSTOP,
as a loop busy with ten thousand joins cannot run anyone's reader) still
has the client's heartbeats waiting in its socket buffers. The idle check
must not blame the client for the time the server itself was not reading.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from typing import Any

from tests.e2e.pageclient import Socket, dead_render, open_socket
from websockets.exceptions import ConnectionClosed

IDLE_TIMEOUT = 3.0
BEAT_EVERY = 0.5
# Longer than the idle timeout plus one sweep (5 s): the idle check is due
# while the server is stopped, and runs the moment it can run again.
BUSY_FOR = 9.0


async def _beat(sock: Socket, answered: list[float]) -> None:
    while True:
        ref = await sock.push("phoenix", "heartbeat", {}, join_ref=None)
        answered.append(float(ref))
        await asyncio.sleep(BEAT_EVERY)


async def _still_open(sock: Socket, topic: str) -> bool:
    """Does the page still answer a click (its socket and view alive)?"""
    ref = await sock.push(topic, "event", {"type": "click", "event": "inc", "value": {}})
    try:
        async with asyncio.timeout(10):
            reply = await sock.reply_to(ref)
    except ConnectionClosed:
        return False
    return bool(reply[4]["status"] == "ok")


async def test_a_socket_whose_heartbeats_arrive_while_the_server_is_busy_is_not_closed(
    server_factory: Any,
) -> None:
    server = server_factory(TETHER_IDLE_TIMEOUT=str(IDLE_TIMEOUT))
    page = await dead_render(server.url, "/counter/")
    async with open_socket(server.ws_url, page, ping_interval=None) as ws:
        sock = Socket(ws)
        assert (await sock.join(page))[4]["status"] == "ok"
        sent: list[float] = []
        beating = asyncio.create_task(_beat(sock, sent))
        try:
            os.kill(server.pid, signal.SIGSTOP)
            try:
                await asyncio.sleep(BUSY_FOR)
            finally:
                os.kill(server.pid, signal.SIGCONT)
            resumed = time.monotonic()
            # Past the next sweep after the server runs again.
            await asyncio.sleep(6.0)
            assert len(sent) > (BUSY_FOR + 6.0) / BEAT_EVERY * 0.8  # they kept coming
        finally:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await beating
        assert await _still_open(sock, page.topic), (
            f"closed {time.monotonic() - resumed:.1f}s after the server resumed: "
            f"{ws.close_code} {ws.close_reason}"
        )
