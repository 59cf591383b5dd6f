"""One 100 MB upload over loopback: its throughput, and the server's memory meanwhile.

A client speaks exactly what the pinned browser client does: the dead render,
the join, a ``phx-change`` that chooses the file, the ``allow_upload``
preflight, the upload channel's join with its token, then the file as binary
``chunk`` pushes of the page's ``chunk_size`` (64 000 bytes), each waiting
for its reply, with a ``progress`` event at each new whole percent. The bytes
are generated as they go, so the client holds one chunk at a time.

While it runs, a thread samples the server's resident memory every 10 ms; the
figure is the peak above the idle server's (goal: under 5 MB), since chunks
go to a temporary file and never pile up in memory. The upload goes to the
lab page (``/uploads/lab/``) of the demo, which is then submitted: the file
is consumed into ``default_storage`` and its temporary file removed.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from websockets.asyncio.client import connect

from tether import protocol

SIZE = 100 * 1000 * 1000
CHUNK = 64_000
PATH = f"/uploads/lab/?size={SIZE}"


def _attr(html: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', html)
    if found is None:
        raise RuntimeError(f"no {name} in the page")
    return found.group(1)


class Sampler(threading.Thread):
    """The peak VmRSS of a process while it runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        from bench.servers import rss_bytes

        while not self.stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.01)


async def upload(base: str, size: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base) as http:
        html = (await http.get(PATH)).text
        cookies = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    element = re.search(r'<div id="(phx-[^"]+)"[^>]*data-phx-main', html)
    assert element is not None
    topic = protocol.LV_TOPIC_PREFIX + element.group(1)
    query = urlencode(
        {protocol.CSRF_PARAM: _attr(html, 'name="csrf-token" content'), "vsn": "2.0.0"}
    )
    ws_url = base.replace("http", "ws", 1) + protocol.SOCKET_PATH + "?" + query
    headers = {"Cookie": cookies, "Origin": base}
    async with connect(ws_url, additional_headers=headers, max_size=None, compression=None) as ws:
        refs = iter(range(1, 10**9))

        async def call(topic_: str, join_ref: str, event: str, payload: Any) -> Any:
            ref = str(next(refs))
            await ws.send(protocol.encode(join_ref, ref, topic_, event, payload))
            return await reply(ref)

        async def reply(ref: str) -> Any:
            while True:
                frame = json.loads(await ws.recv())
                if frame[1] == ref and frame[3] == protocol.PHX_REPLY:
                    return frame[4]

        join = {
            protocol.URL: base + PATH,
            protocol.PARAMS: {protocol.CSRF_PARAM: "", protocol.MOUNTS_PARAM: 0},
            protocol.SESSION: _attr(html, protocol.ATTR_SESSION),
            protocol.STATIC_TOKEN: _attr(html, protocol.ATTR_STATIC),
        }
        joined_view = await call(topic, "1", protocol.PHX_JOIN, join)
        assert joined_view["status"] == "ok"
        # The live mount allowed the upload afresh: its ref is in the join's render.
        config_ref = _attr(json.dumps(joined_view).replace('\\"', '"'), protocol.ATTR_UPLOAD_REF)
        entry = {
            protocol.UPLOAD_REF: "0",
            protocol.ENTRY_NAME: "big.txt",
            protocol.ENTRY_SIZE: size,
            protocol.ENTRY_TYPE: "text/plain",
            protocol.ENTRY_PATH: "avatar",
        }
        change = {
            protocol.EVENT_TYPE: protocol.TYPE_FORM,
            protocol.EVENT_NAME: "validate",
            protocol.VALUE: "",
            protocol.META: {protocol.TARGET: "avatar"},
            protocol.UPLOADS: {config_ref: [entry]},
        }
        await call(topic, "1", protocol.EVENT, change)
        preflight = {protocol.UPLOAD_REF: config_ref, protocol.UPLOAD_ENTRIES: [entry]}
        response = (await call(topic, "1", protocol.ALLOW_UPLOAD, preflight))["response"]
        token = response[protocol.UPLOAD_ENTRIES]["0"]
        lvu = protocol.LVU_TOPIC_PREFIX + "0"
        joined = await call(lvu, "9", protocol.PHX_JOIN, {protocol.UPLOAD_TOKEN: token})
        assert joined["status"] == "ok", joined
        started, sent, percent = time.monotonic(), 0, 0
        while sent < size:
            piece = os.urandom(min(CHUNK, size - sent))
            ref = str(next(refs))
            await ws.send(protocol.encode_binary("9", ref, lvu, protocol.CHUNK, piece))
            answer = await reply(ref)
            assert answer["status"] == "ok", answer
            sent += len(piece)
            if sent * 100 // size > percent:
                percent = sent * 100 // size
                report = {
                    protocol.UPLOAD_REF: config_ref,
                    protocol.UPLOAD_ENTRY_REF: "0",
                    protocol.UPLOAD_PROGRESS: percent,
                }
                await call(topic, "1", protocol.PROGRESS, report)
        elapsed = time.monotonic() - started
        submit = {protocol.EVENT_TYPE: protocol.TYPE_FORM, protocol.EVENT_NAME: "save"}
        await call(topic, "1", protocol.EVENT, {**submit, protocol.VALUE: ""})
    return {"bytes": size, "seconds": elapsed, "mb_per_s": size / elapsed / 1e6}


def measure(base: str, pid: int, size: int = SIZE) -> dict[str, Any]:
    from bench.servers import settle_rss

    idle = settle_rss(pid)
    sampler = Sampler(pid)
    sampler.start()
    try:
        result = asyncio.run(upload(base, size))
    finally:
        sampler.stop.set()
        sampler.join()
    return {**result, "idle_rss": idle, "peak_increase": max(0, sampler.peak - idle)}


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    found = figures.get("upload")
    if not found:
        return []
    if "error" in found:
        return [("upload throughput", "n/a", "", found["error"][:200])]
    return [
        (
            f"upload of {found['bytes'] / 1e6:.0f} MB over loopback",
            f"{found['mb_per_s']:.0f} MB/s",
            "",
            f"{found['seconds']:.1f} s in 64 kB chunks, each acknowledged",
        ),
        (
            "server memory during the upload",
            f"+{found['peak_increase'] / 2**20:.1f} MiB",
            "< 5 MB",
            f"peak RSS above the idle server's ({found['idle_rss'] / 2**20:.0f} MiB)",
        ),
    ]
