"""A browser-less client that speaks the real protocol to the ASGI app in-process.

It does what a browser does: the dead render over HTTP (cookies and all), a
WebSocket join, events, and merging each diff into a copy of the rendered
tree, so a test reads the live HTML a user would see. The socket is the same
code path the browser uses; only the transport is a pair of queues.

    async with LiveClient() as client:
        view = await client.live("/counter/")
        await view.click("#inc")
        assert view.has_element("#count", text="1")
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from bs4 import BeautifulSoup, Tag

from tether import protocol
from tether.errors import LiveTestError, SocketClosed, ViewCrashed
from tether.testing.tree import ClientTree
from tether.types import ASGIApp

BASE_URL = "http://testserver"


class _CrashLog(logging.Handler):
    """Keeps the server-side tracebacks of crashed views, to show them in test failures."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


class _Transport:
    """An in-process WebSocket: the app runs as a task owned by this object."""

    def __init__(self, app: ASGIApp, scope: dict[str, Any]) -> None:
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        async def serve() -> None:
            await app(scope, self.to_app.get, self.from_app.put)

        self.task: asyncio.Task[None] = asyncio.get_running_loop().create_task(serve())

    async def connect(self) -> None:
        await self.to_app.put({"type": "websocket.connect"})
        message = await self.from_app.get()
        if message["type"] != "websocket.accept":
            raise SocketClosed(f"socket refused: {message}")

    async def send(self, text: str) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": text})

    async def receive(self) -> dict[str, Any]:
        return await self.from_app.get()

    async def close(self) -> None:
        if not self.task.done():
            await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
            try:
                async with asyncio.timeout(5):
                    await asyncio.shield(self.task)
            except TimeoutError:
                self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


class LiveClient:
    """One browser: a cookie jar, and live pages opened with ``live()``."""

    def __init__(self, app: ASGIApp | None = None, *, base_url: str = BASE_URL) -> None:
        if app is None:
            from tether.asgi import get_application

            app = get_application()
        self.app = app
        self.base_url = base_url
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
            base_url=base_url,
            follow_redirects=False,
        )
        self.views: list[LiveViewTest] = []
        self.crashes = _CrashLog()

    async def __aenter__(self) -> LiveClient:
        logging.getLogger("tether.session").addHandler(self.crashes)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        for view in self.views:
            await view.close()
        await self.http.aclose()
        logging.getLogger("tether.session").removeHandler(self.crashes)

    async def login(self, user: Any) -> None:
        """Log ``user`` in, as a login view would: the session cookie goes to every request."""
        from importlib import import_module

        from django.conf import settings
        from django.contrib.auth import alogin
        from django.http import HttpRequest

        engine = import_module(settings.SESSION_ENGINE)
        request = HttpRequest()
        request.session = engine.SessionStore()
        await alogin(request, user)
        await request.session.asave()
        self.http.cookies.set(settings.SESSION_COOKIE_NAME, request.session.session_key or "")

    async def get(self, path: str, *, follow: int = 5) -> httpx.Response:
        response = await self.http.get(path)
        while response.is_redirect and follow > 0:
            follow -= 1
            response = await self.http.get(response.headers["location"])
        return response

    async def live(self, path: str) -> LiveViewTest:
        """Dead-render ``path`` and join its live view over a socket."""
        return await self._open(path)

    async def _open(self, path: str, *, flash: str | None = None) -> LiveViewTest:
        response = await self.get(path)
        if response.status_code != 200:
            raise LiveTestError(f"GET {path} answered {response.status_code}")
        page = _parse_dead(str(response.url), response.text)
        view = LiveViewTest(self, page, _join_flash=flash)
        self.views.append(view)
        await view.connect()
        return view

    async def broadcast(self, topic: str, message: Any) -> None:
        """Publish ``message`` on ``topic``, as code outside any view would."""
        from tether.pubsub import get_pubsub

        pubsub = get_pubsub()
        await pubsub.start()
        await pubsub.broadcast(topic, message)


@dataclass
class _DeadPage:
    url: str
    element_id: str
    session: str
    static: str
    csrf: str
    title: str


def _parse_dead(url: str, html: str) -> _DeadPage:
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one(f"[{protocol.ATTR_MAIN}]")
    meta = soup.select_one('meta[name="csrf-token"]')
    if not isinstance(main, Tag) or not isinstance(meta, Tag):
        raise LiveTestError(f"{url} is not a live page (no live container or CSRF meta tag)")
    title = soup.title.get_text() if soup.title else ""
    return _DeadPage(
        url=url,
        element_id=str(main["id"]),
        session=str(main[protocol.ATTR_SESSION]),
        static=str(main.get(protocol.ATTR_STATIC, "")),
        csrf=str(meta["content"]),
        title=title,
    )


@dataclass
class Update:
    """One frame that changed the page: its raw text and its diff."""

    raw: str
    diff: dict[str, Any]


@dataclass
class LiveViewTest:
    """A joined live view, as a test sees it."""

    client: LiveClient
    page: _DeadPage
    tree: ClientTree = field(default_factory=ClientTree)
    title: str = ""
    url: str = ""
    redirected_to: str | None = None
    redirect_flash: dict[str, str] = field(default_factory=dict)
    patched_to: str | None = None
    pushed_events: list[tuple[str, Any]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    closed: bool = False
    _transport: _Transport | None = None
    _reader: asyncio.Task[None] | None = None
    _pending: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    _refs: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _join_ref: str = "1"
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _crashed: ViewCrashed | None = None
    _join_flash: str | None = None
    _redirect: tuple[str, str | None] | None = None

    @property
    def topic(self) -> str:
        return protocol.LV_TOPIC_PREFIX + self.page.element_id

    # -- connection ---------------------------------------------------------------

    async def connect(self) -> None:
        split = urlsplit(self.client.base_url)
        cookies = "; ".join(f"{k}={v}" for k, v in self.client.http.cookies.items())
        scope = {
            "type": "websocket",
            "path": protocol.SOCKET_PATH,
            "raw_path": protocol.SOCKET_PATH.encode(),
            "query_string": urlencode(
                {"_csrf_token": self.page.csrf, "vsn": protocol.SERIALIZER_VSN}
            ).encode(),
            "headers": [
                (b"host", (split.netloc or "testserver").encode()),
                (b"origin", self.client.base_url.encode()),
                (b"cookie", cookies.encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": (split.hostname or "testserver", split.port or 80),
            "scheme": "ws",
            "subprotocols": [],
            "asgi": {"version": "3.0"},
        }
        self._transport = _Transport(self.client.app, scope)
        await self._transport.connect()
        self._reader = asyncio.get_running_loop().create_task(self._read())
        await self.join(self.page.url)

    async def join(self, url: str, *, redirect: bool = False) -> None:
        self.title = self.page.title
        payload = {
            ("redirect" if redirect else "url"): url,
            "params": {"_csrf_token": self.page.csrf, "_mounts": 0},
            "session": self.page.session,
            "static": self.page.static,
        }
        if self._join_flash:
            payload["flash"] = self._join_flash
        self._join_ref = str(next(self._refs))
        reply = await self._request(protocol.PHX_JOIN, payload, join_ref=self._join_ref)
        if reply["status"] != protocol.STATUS_OK:
            response = reply["response"]
            for event in ("live_redirect", "redirect"):
                if isinstance(response.get(event), dict):
                    self._navigated(event, response[event])
                    return
            raise LiveTestError(f"join refused: {response}")
        response = reply["response"]
        self.url = url
        if "live_patch" in response:
            self.patched_to = response["live_patch"]["to"]

    async def reconnect(self) -> None:
        """Drop the socket as a network failure would, then reconnect and rejoin,
        as the browser does. A frozen state resumes; otherwise the view mounts fresh."""
        if self._transport is not None:
            await self._transport.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        self.closed = False
        self._pending.clear()
        self._crashed = None
        await self.connect()

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._transport is not None:
            await self._transport.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    async def _read(self) -> None:
        assert self._transport is not None
        while True:
            message = await self._transport.receive()
            if message["type"] == "websocket.close":
                self.closed = True
                for future in self._pending.values():
                    if not future.done():
                        future.set_exception(SocketClosed(f"socket closed: {message}"))
                self._changed.set()
                return
            raw = message.get("text") or ""
            _join_ref, ref, _topic, event, payload = json.loads(raw)
            if event == protocol.PHX_REPLY and ref in self._pending:
                # Replies change the tree here, in frame order: a push that
                # follows a reply must never be merged before it.
                response = payload.get("response")
                if payload.get("status") == protocol.STATUS_OK and isinstance(response, dict):
                    if protocol.RENDERED in response:
                        self.tree = ClientTree()
                        self._apply(response[protocol.RENDERED], raw="")
                    else:
                        self._apply_response(response, raw)
                future = self._pending.pop(ref)
                if not future.done():
                    future.set_result({**payload, "_raw": raw})
            elif event == protocol.DIFF:
                self._apply(payload, raw)
            elif event == protocol.PHX_ERROR:
                error = ViewCrashed(self._crash_message())
                for future in self._pending.values():
                    if not future.done():
                        future.set_exception(error)
                self._pending.clear()
                self._crashed = error
            elif event in ("live_patch", "live_redirect", "redirect"):
                self._navigated(event, payload)
            self._changed.set()

    def _crash_message(self) -> str:
        records = self.client.crashes.records
        logs = "\n".join([r for r in records if self.topic in r][-1:] or records[-3:])
        return f"the view crashed on the server:\n{logs}"

    # -- requests ------------------------------------------------------------------

    async def _request(
        self, event: str, payload: Any, *, join_ref: str | None = None, timeout: float = 10.0
    ) -> dict[str, Any]:
        if self.closed or self._transport is None:
            raise SocketClosed("the socket is closed")
        if self._crashed is not None and event != protocol.PHX_JOIN:
            raise ViewCrashed(f"{event!r} sent to a view that crashed before; {self._crashed}")
        ref = str(next(self._refs))
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ref] = future
        frame = [join_ref or self._join_ref, ref, self.topic, event, payload]
        await self._transport.send(json.dumps(frame))
        async with asyncio.timeout(timeout):
            return await future

    async def push(self, kind: str, event: str, value: Any, **extra: Any) -> dict[str, Any]:
        """Send an event as the client would, apply the reply, and return its response."""
        payload = {"type": kind, "event": event, "value": value, **extra}
        reply = await self._request(protocol.EVENT, payload)
        response: dict[str, Any] = reply.get("response", {})
        if reply.get("status") != protocol.STATUS_OK:
            raise LiveTestError(f"event {event!r} refused: {response}")
        return response

    def _apply_response(self, response: dict[str, Any], raw: str) -> None:
        if protocol.DIFF_KEY in response:
            self._apply(response[protocol.DIFF_KEY], raw)
        for event in ("live_patch", "live_redirect", "redirect"):
            if event in response:
                self._navigated(event, response[event])

    def _navigated(self, event: str, payload: dict[str, Any]) -> None:
        if event == "live_patch":
            self.patched_to = payload["to"]
            self.url = payload["to"]
        else:
            from tether import tokens

            flash = payload.get(protocol.FLASH)
            self.redirected_to = payload["to"]
            self.redirect_flash = tokens.verify_flash(flash)
            self._redirect = (event, flash if isinstance(flash, str) else None)

    def _apply(self, diff: dict[str, Any], raw: str) -> None:
        diff = dict(diff)
        title = diff.pop(protocol.TITLE, None)
        if isinstance(title, str):
            self.title = title
        for name, payload in diff.pop(protocol.EVENTS, []):
            self.pushed_events.append((name, payload))
        diff.pop(protocol.REPLY, None)
        self.tree.merge(diff)
        self.updates.append(Update(raw, diff))

    # -- reading the page -----------------------------------------------------------------

    def html(self) -> str:
        """The live container's inner HTML, as the browser would hold it."""
        return self.tree.to_html()

    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.html(), "html.parser")

    def element(self, selector: str) -> Tag:
        found = self.soup().select(selector)
        if not found:
            raise LiveTestError(f"selector {selector!r} matches nothing in:\n{self.html()}")
        if len(found) > 1:
            raise LiveTestError(f"selector {selector!r} matches {len(found)} elements, not one")
        return found[0]

    def has_element(self, selector: str, text: str | None = None) -> bool:
        for tag in self.soup().select(selector):
            if text is None or text in tag.get_text():
                return True
        return False

    def text(self, selector: str) -> str:
        return self.element(selector).get_text()

    @property
    def last_frame(self) -> str:
        """The exact text of the last frame that carried a diff."""
        for update in reversed(self.updates):
            if update.raw:
                return update.raw
        return ""

    # -- interactions ------------------------------------------------------------------

    def _binding(self, selector: str, attr: str) -> tuple[Tag, str]:
        tag = self.element(selector)
        name = tag.get(attr)
        if not isinstance(name, str) or not name:
            raise LiveTestError(f"element {_describe(tag)} has no {attr} binding")
        return tag, name

    async def click(self, selector: str, value: dict[str, Any] | None = None) -> dict[str, Any]:
        tag, name = self._binding(selector, "phx-click")
        return await self.push("click", name, {**_phx_values(tag), **(value or {})})

    async def submit(self, selector: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        tag, name = self._binding(selector, "phx-submit")
        return await self.push("form", name, _form_value(tag, data))

    async def change(
        self, selector: str, data: dict[str, Any] | None = None, *, target: str | None = None
    ) -> dict[str, Any]:
        tag, name = self._binding(selector, "phx-change")
        fields = data or {}
        meta = {"_target": [target or next(iter(fields), "")]}
        return await self.push("form", name, _form_value(tag, fields), meta=meta)

    async def keydown(self, selector: str, key: str) -> dict[str, Any]:
        tag, name = self._binding(selector, "phx-keydown")
        return await self.push("keydown", name, {"key": key, **_phx_values(tag)})

    async def keyup(self, selector: str, key: str) -> dict[str, Any]:
        tag, name = self._binding(selector, "phx-keyup")
        return await self.push("keyup", name, {"key": key, **_phx_values(tag)})

    async def blur(self, selector: str) -> dict[str, Any]:
        tag, name = self._binding(selector, "phx-blur")
        return await self.push("blur", name, _phx_values(tag))

    async def focus(self, selector: str) -> dict[str, Any]:
        tag, name = self._binding(selector, "phx-focus")
        return await self.push("focus", name, _phx_values(tag))

    async def hook(self, event: str, value: Any = None) -> Any:
        """A ``pushEvent`` from a client hook; returns the handler's reply, if any."""
        response = await self.push("hook", event, value if value is not None else {})
        return response.get(protocol.DIFF_KEY, {}).get(protocol.REPLY)

    async def patch(self, path: str) -> None:
        """A live patch (``<.link patch>``): handle_params runs with the new URL."""
        url = self.client.base_url + path if path.startswith("/") else path
        await self._request(protocol.LIVE_PATCH, {"url": url})
        self.url = url

    async def follow_redirect(self) -> LiveViewTest:
        """Open the page a redirect or live navigation pointed to, with its flash:
        a live navigation hands the flash to the join, a full redirect to a cookie."""
        if self.redirected_to is None or self._redirect is None:
            raise LiveTestError("the view did not redirect")
        await self.close()
        event, flash = self._redirect
        if flash is None or event == protocol.LIVE_REDIRECT:
            return await self.client._open(self.redirected_to, flash=flash)
        from tether.django.views import FLASH_COOKIE

        self.client.http.cookies.set(FLASH_COOKIE, flash)
        try:
            return await self.client._open(self.redirected_to)
        finally:
            self.client.http.cookies.delete(FLASH_COOKIE)

    def send_info(self, message: Any) -> None:
        """Deliver ``message`` to the view's ``handle_info``, as ``send`` would."""
        from tether.live.registry import registry

        for socket in registry.sockets:
            session = socket.sessions.get(self.topic)
            if session is not None:
                session.deliver(message)
                return
        raise LiveTestError(f"no live session for {self.topic} in this process")

    async def wait_for(
        self, predicate: Callable[[LiveViewTest], bool], timeout: float = 5.0
    ) -> None:
        """Wait until pushed diffs make ``predicate(view)`` true (async loads, broadcasts)."""
        async with asyncio.timeout(timeout):
            while not predicate(self):
                if self._crashed is not None:
                    raise self._crashed
                self._changed.clear()
                await self._changed.wait()

    async def wait_for_element(
        self, selector: str, text: str | None = None, timeout: float = 5.0
    ) -> None:
        try:
            await self.wait_for(lambda v: v.has_element(selector, text), timeout)
        except TimeoutError:
            raise LiveTestError(
                f"{selector!r} (text={text!r}) did not appear within {timeout}s in:\n{self.html()}"
            ) from None


def _describe(tag: Tag) -> str:
    attrs = " ".join(
        f'{k}="{" ".join(v) if isinstance(v, list) else v}"'
        for k, v in tag.attrs.items()
        if not k.startswith("phx-")
    )
    return f"<{tag.name}{' ' + attrs if attrs else ''}>"


def _phx_values(tag: Tag) -> dict[str, str]:
    return {
        key.removeprefix("phx-value-"): str(value)
        for key, value in tag.attrs.items()
        if key.startswith("phx-value-")
    }


def _form_value(form: Tag, data: dict[str, Any] | None) -> str:
    """The form's fields as the browser would encode them, with ``data`` typed in."""
    pairs: list[tuple[str, str]] = []
    for field_tag in form.select("input[name], textarea[name], select[name]"):
        name = str(field_tag["name"])
        kind = str(field_tag.get("type", "text")).lower()
        if kind in ("checkbox", "radio") and not field_tag.has_attr("checked"):
            continue
        if kind in ("submit", "button", "file"):
            continue
        if field_tag.name == "textarea":
            pairs.append((name, field_tag.get_text()))
        elif field_tag.name == "select":
            chosen = field_tag.select_one("option[selected]") or field_tag.select_one("option")
            if chosen is not None:
                pairs.append((name, str(chosen.get("value", chosen.get_text()))))
        else:
            pairs.append((name, str(field_tag.get("value", ""))))
    if data:
        typed = set(data)
        pairs = [(k, v) for k, v in pairs if k not in typed]
        for key, value in data.items():
            values = value if isinstance(value, list | tuple) else [value]
            pairs.extend((key, str(v)) for v in values)
    return urlencode(pairs)


_WS = re.compile(r"\s+")


def normalize_html(html: str) -> str:
    """Whitespace-insensitive HTML, to compare this client's view with a browser's."""
    return _WS.sub(" ", html).replace("> <", "><").strip()
