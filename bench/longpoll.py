"""One click's round trip over long poll, beside the same click over a WebSocket.

One page on the demo counter, one click in flight at a time, as a person
clicks: the time from sending the click to holding its reply. Over the
WebSocket that is one frame each way. Over long poll it is what the pinned
client does: the click is POSTed (ndjson) while a GET waits, and the reply
comes back as that GET's answer. Both over keep-alive connections to
127.0.0.1, against the same server process.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

import httpx
from websockets.asyncio.client import connect

VSN = "2.0.0"
PATH = "/counter/"
_CONTAINER = re.compile(r'<div id="(phx-[^"]+)"[^>]*data-phx-main[^>]*>')


def _attr(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html)
    if match is None:
        raise RuntimeError(f"{name} is not in the page")
    return match.group(1)


async def _page(http: httpx.AsyncClient, base: str) -> tuple[str, dict[str, Any], str]:
    """(topic, join payload, csrf token) of a fresh dead render."""
    html = (await http.get(base + PATH)).text
    div = _CONTAINER.search(html)
    if div is None:
        raise RuntimeError("no live container in the counter page")
    csrf = _attr(html, 'name="csrf-token" content')
    join = {
        "url": base + PATH,
        "params": {"_csrf_token": csrf, "_mounts": 0, "_mount_attempts": 0},
        "session": _attr(div.group(0), "data-phx-session"),
        "static": _attr(div.group(0), "data-phx-static"),
        "sticky": False,
    }
    return "lv:" + div.group(1), join, csrf


def _click(topic: str, ref: int) -> str:
    payload = {"type": "click", "event": "inc", "value": {}}
    return json.dumps(["1", str(ref), topic, "event", payload])


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] * 1000

    return {"p50_ms": at(0.5), "p99_ms": at(0.99), "count": len(ordered)}


async def websocket_clicks(base: str, clicks: int) -> list[float]:
    async with httpx.AsyncClient() as http:
        topic, join, csrf = await _page(http, base)
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    url = base.replace("http", "ws", 1) + f"/live/websocket?_csrf_token={csrf}&vsn={VSN}"
    samples = []
    async with connect(url, additional_headers={"Cookie": cookie, "Origin": base}) as ws:
        await ws.send(json.dumps(["1", "1", topic, "phx_join", join]))
        await ws.recv()
        for ref in range(2, clicks + 2):
            started = time.perf_counter()
            await ws.send(_click(topic, ref))
            while json.loads(await ws.recv())[1] != str(ref):
                pass
            samples.append(time.perf_counter() - started)
    return samples


async def longpoll_clicks(base: str, clicks: int) -> list[float]:
    limits = httpx.Limits(max_keepalive_connections=2)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers={"Origin": base}) as http:
        topic, join, csrf = await _page(http, base)
        url = base + "/live/longpoll"
        params = {"_csrf_token": csrf, "vsn": VSN}
        params["token"] = (await http.get(url, params=params)).json()["token"]
        replies: asyncio.Queue[str] = asyncio.Queue()

        async def poll() -> None:
            while True:
                body = (await http.get(url, params=params)).json()
                for text in body.get("messages", []):
                    await replies.put(json.loads(text)[1])

        async def post(text: str) -> None:
            headers = {"Content-Type": "application/x-ndjson"}
            answer = await http.post(url, params=params, content=text, headers=headers)
            if answer.json()["status"] != 200:
                raise RuntimeError(f"long-poll POST answered {answer.text}")

        poller = asyncio.create_task(poll())
        samples = []
        try:
            await post(json.dumps(["1", "1", topic, "phx_join", join]))
            while await replies.get() != "1":
                pass
            for ref in range(2, clicks + 2):
                started = time.perf_counter()
                await post(_click(topic, ref))
                while await replies.get() != str(ref):
                    pass
                samples.append(time.perf_counter() - started)
        finally:
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)
    return samples


def measure(base: str, clicks: int) -> dict[str, Any]:
    async def both() -> dict[str, Any]:
        async with asyncio.timeout(300):
            await websocket_clicks(base, 5)  # warm-up: imports, template caches
            websocket = await websocket_clicks(base, clicks)
            longpoll = await longpoll_clicks(base, clicks)
        return {"websocket": _summary(websocket), "longpoll": _summary(longpoll)}

    return asyncio.run(both())


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    found = figures.get("longpoll")
    name = "round trip, one page: long poll / WebSocket"
    if not found or "longpoll" not in found:
        return [(name, "n/a", "", str((found or {}).get("error", "not run")))]
    lp, ws = found["longpoll"], found["websocket"]
    return [
        (
            name,
            f"{lp['p50_ms']:.2f} / {ws['p50_ms']:.2f} ms",
            "",
            f"p50 of {lp['count']} clicks one at a time; p99 {lp['p99_ms']:.2f} / "
            f"{ws['p99_ms']:.2f} ms",
        )
    ]
