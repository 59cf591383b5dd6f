"""The server's own frame limit, under the default uvicorn flags.

Regression for the review finding "the 256 KiB frame limit applies only after
uvicorn has buffered up to 16 MiB": ``ServerProcess`` (and ``make demo``) pass
``--ws-max-size`` so that uvicorn refuses a huge frame from its header,
before buffering it.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tether.testing import ServerProcess

SOCKETS = 4
FRAME = "x" * (2 * 1024 * 1024)


def peak_rss(pid: int) -> int:
    """The high-water mark of a process's resident memory (VmHWM), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for {pid}")


async def send_huge_frame(server: ServerProcess) -> int:
    url = server.ws_url + "/live/websocket?vsn=2.0.0"
    async with connect(url, origin=server.url, max_size=None) as ws:  # type: ignore[arg-type]
        with contextlib.suppress(ConnectionClosed):  # the server may close mid-send
            await ws.send(FRAME)
        with contextlib.suppress(ConnectionClosed):
            await ws.recv()
        await ws.wait_closed()
        assert ws.close_code is not None
        return ws.close_code


async def test_server_frame_limit_refuses_2_mib_frames_without_buffering_them(
    demo_server: ServerProcess,
) -> None:
    # Warm up: the first socket loads the live modules and settings.
    assert await send_huge_frame(demo_server) == 1009
    before = peak_rss(demo_server.pid)
    codes = await asyncio.gather(*(send_huge_frame(demo_server) for _ in range(SOCKETS)))
    grown = peak_rss(demo_server.pid) - before
    assert codes == [1009] * SOCKETS
    # Buffering them would take at least 2 MiB each, and more to decode.
    assert grown < 3 * 1024 * 1024, f"peak RSS grew by {grown / 2**20:.1f} MiB"
