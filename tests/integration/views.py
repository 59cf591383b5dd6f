"""Small live views that exercise one guarantee each."""

from __future__ import annotations

import asyncio
import random
import time
from contextvars import ContextVar
from typing import Any

from asgiref.sync import sync_to_async
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
    def count_users(self) -> None:
        from django.contrib.auth import get_user_model

        # The sync ORM: this raises SynchronousOnlyOperation if run on the loop.
        self.total = get_user_model().objects.count()

    @event
    async def count_users_on_the_loop(self) -> None:
        from django.contrib.auth import get_user_model

        # The sync ORM in an async def handler: Django refuses it on the loop.
        self.total = get_user_model().objects.count()

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


LOAD_LOG: list[tuple[str, str, float]] = []  # (event, value, monotonic time)


async def _sleep_then(delay: float, value: Any) -> Any:
    LOAD_LOG.append(("start", str(value), time.monotonic()))
    await asyncio.sleep(delay)
    LOAD_LOG.append(("end", str(value), time.monotonic()))
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


# -- tether.testing's own tests (tests/integration/test_testing_client.py) ------------------


class Toolbox(LiveView):
    """One handler per thing a test client can do or observe."""

    template_name = "itest/toolbox.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Toolbox"
        self.tab = "home"
        self.heard: list[str] = []
        self.note = ""
        self.size: Any = None
        if self.connected:
            await self.subscribe("toolbox")

    async def handle_params(self, params: Any, url: str) -> None:
        self.tab = params.get("tab", "home")

    @event
    def rename(self, payload: dict[str, Any]) -> None:
        self.page_title = payload["title"]

    @event
    def save(self) -> None:
        self.put_flash("info", "Saved.")

    @event
    def highlight(self) -> None:
        self.push_event("highlight", {"id": "note"})

    @event
    def go(self, payload: dict[str, Any]) -> None:
        self.push_patch(f"/toolbox/?tab={payload['tab']}")

    @event
    def leave(self) -> None:
        self.put_flash("info", "See you.")
        self.push_navigate("/toolbox/?tab=away")

    @event
    def logout(self) -> None:
        self.redirect("/counter/")

    @event
    def away(self, payload: dict[str, Any]) -> None:
        self.note = "leaving"
        self.redirect(payload["to"], external=payload.get("external") == "yes")

    @event
    def reload(self) -> None:
        self.put_flash("info", "Reloaded.")
        self.redirect("/toolbox/?tab=reloaded")

    @event
    def key(self, payload: dict[str, Any]) -> None:
        self.note = f"{payload.get('key')} on {payload.get('field', '?')}"

    @event
    def typed(self, form: Any) -> None:
        self.note = f"typed {form.get('q', '')}"

    @event
    def focused(self) -> None:
        self.note = "focused"

    @event
    def blurred(self) -> None:
        self.note = "blurred"

    @event
    def measure(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {"width": int(payload["width"]) * 2}

    @event
    def load(self) -> None:
        self.assign_async("size", _sleep_then, 0.02, 42)

    async def handle_info(self, message: Any) -> None:
        if message == "crash":
            raise RuntimeError("handle_info gave up")
        self.heard = [*self.heard, str(message)]


class Secret(LiveView):
    """Behind login_required in urls.py; its own class asks nothing."""

    template_name = "itest/echo.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.effects: list[int] = []
        self.total = 42
        self.last = "secret"


class SyncActions(LiveView):
    """Only plain def code: mount and handlers run in worker threads."""

    template_name = "itest/echo.html"

    def mount(self, request: HttpRequest, **kwargs: Any) -> None:  # type: ignore[override]
        self.effects: list[int] = []
        self.total = 0
        self.last = ""
        if self.connected:
            self.subscribe("sync-room")

    @event
    def shout(self, payload: dict[str, Any]) -> None:
        self.broadcast("sync-room", payload["text"])

    @event
    def leave_room(self) -> None:
        self.unsubscribe("sync-room")

    def handle_info(self, message: Any) -> None:  # type: ignore[override]
        self.last = f"heard:{message}"


class AsyncListener(SyncActions):
    """Hears the room in an async handle_info that does what Django's async ORM does:
    a thread-sensitive ``sync_to_async`` call."""

    async def handle_info(self, message: Any) -> None:  # type: ignore[override]
        self.last = await sync_to_async(lambda: f"heard:{message}", thread_sensitive=True)()


class Unscripted(LiveView):
    """Its layout forgets {% tether_scripts %}: the page can never connect."""

    template_name = "itest/echo.html"
    layout = "itest/no_client_layout.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.effects: list[int] = []
        self.total = 0
        self.last = ""


class CrashingMount(LiveView):
    """Mounts over HTTP, then crashes in the connected mount (or in both, with ?dead=1)."""

    template_name = "itest/echo.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.effects: list[int] = []
        self.total = 0
        self.last = ""
        if self.connected or request.GET.get("dead"):
            raise KeyError("missing-setting-in-mount")


#: Set by a slow Listener's handler: the other listeners must never see it.
LISTENER_MOOD: ContextVar[str] = ContextVar("itest_listener_mood", default="calm")
LISTENER_TOPIC = "itest:listeners"


class Listener(LiveView):
    """Counts the broadcasts of ``LISTENER_TOPIC``; with ``?slow=1`` each one waits
    under ``asyncio.timeout`` until the timeout fires."""

    template_name = "itest/echo.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.total = 0
        self.last = ""
        self.effects: list[int] = []
        self.slow = request.GET.get("slow") == "1"
        if self.connected:
            await self.subscribe(LISTENER_TOPIC)

    async def handle_info(self, message: Any) -> None:
        self.total += 1
        seen = LISTENER_MOOD.get()
        if not self.slow:
            self.last = f"got {message}, mood {seen}"
            return
        LISTENER_MOOD.set("slow")
        try:
            async with asyncio.timeout(2.0):
                await asyncio.sleep(3600)
        except TimeoutError:
            self.last = f"timed out, mood {LISTENER_MOOD.get()} (was {seen})"


class ConnectParams(LiveView):
    """Shows the names the client sent with the join (``#total``) and its time zone."""

    template_name = "itest/echo.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        params = self.connect_params
        self.effects: list[int] = []
        self.total = "dead render" if params is None else ",".join(sorted(params))
        self.last = "" if params is None else str(params.get("timezone", ""))
