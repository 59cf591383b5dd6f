"""Small live views that exercise one guarantee each."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from django.http import HttpRequest

from tether import LiveView, event


class Echo(LiveView):
    template_name = "itest/echo.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.effects: list[int] = []
        self.total = 0
        self.last = ""

    @event
    async def add(self, payload: dict[str, Any]) -> None:
        n = int(payload["n"])
        await asyncio.sleep(random.random() * 0.003)
        self.effects = [*self.effects, n]
        await asyncio.sleep(random.random() * 0.003)
        self.total = self.total * 3 + n  # order-sensitive

    @event
    def sync_add(self, payload: dict[str, Any]) -> None:
        self.total += int(payload["n"])

    @event
    async def hang(self) -> None:
        await asyncio.Event().wait()

    @event
    async def block(self) -> None:
        time.sleep(0.3)  # noqa: ASYNC251  # the watchdog must name this

    @event
    async def boom(self) -> None:
        raise ZeroDivisionError("boom in a handler")

    @event
    def save(self, form: Any) -> None:
        self.last = form.get("text", "")

    async def handle_info(self, message: Any) -> None:
        self.last = f"info:{message}"


async def _sleep_then(delay: float, value: Any) -> Any:
    await asyncio.sleep(delay)
    return value


class Loads(LiveView):
    template_name = "itest/loads.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.delay = float(request.GET.get("delay", "0.1"))
        self.started = time.monotonic()
        for name in ("a", "b", "c", "d", "e"):
            self.assign_async(name, _sleep_then, self.delay, name.upper())

    @event
    def cancel(self) -> None:
        self.cancel_async("e")

    @event
    def fail(self) -> None:
        self.assign_async("a", _fail)


async def _fail() -> None:
    await asyncio.sleep(0)
    raise ValueError("load failed")


class Busy(LiveView):
    """Pending loads and timers everywhere: leaving must cancel all of them."""

    template_name = "itest/echo.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.effects = []
        self.total = 0
        self.last = ""
        if self.connected:
            self.assign_async("slow", _sleep_then, 60, 1)
            self.send_after(60, "later")
            self.send_interval(30, "tick")
