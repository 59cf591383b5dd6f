"""A browser-less client that speaks the real protocol to the ASGI app in-process.

It does what a browser does: the dead render over HTTP (cookies and all), a
WebSocket join, events, and merging each diff into a copy of the rendered
tree, so a test reads the live HTML a user would see. The socket is the same
code path the browser uses; only the transport is a pair of queues. Every
frame it sends is built as the pinned JS client builds it (``pushes``), and
kept in ``LiveViewTest.sent``.

    async with LiveClient() as client:
        view = await client.live("/counter/")
        await view.click("#inc")
        assert view.has_element("#count", text="1")
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

import httpx

from tether.errors import LiveTestError
from tether.testing.children import open_child
from tether.testing.page import parse_dead
from tether.testing.transport import TRANSPORTS, WEBSOCKET
from tether.testing.view import LiveViewTest
from tether.types import ASGIApp

BASE_URL = "http://testserver"


# Where the server logs what a failing test should show: crashed views, and
# dead renders that answered 500.
CRASH_LOGGERS = ("tether.session", "django.request")


class _CrashLog(logging.Handler):
    """Keeps the server-side tracebacks of crashed views, to show them in test failures."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:  # Django's request log: the traceback of a page that answered 500
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.records.append(text)


class LiveClient:
    """One browser: a cookie jar, and live pages opened with ``live()``.

    ``transport="longpoll"`` connects its pages over long poll, as a browser whose
    WebSocket is blocked does; everything else is the same. ``connect_params`` go
    with every join, as a page's ``window.TetherOptions.params`` do
    (``LiveView.connect_params``).
    """

    def __init__(
        self,
        app: ASGIApp | None = None,
        *,
        base_url: str = BASE_URL,
        transport: str = WEBSOCKET,
        connect_params: dict[str, Any] | None = None,
    ) -> None:
        if transport not in TRANSPORTS:
            raise LiveTestError(f"transport must be one of {TRANSPORTS}, not {transport!r}")
        self.transport = transport
        self.connect_params = dict(connect_params or {})
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
        for logger in CRASH_LOGGERS:
            logging.getLogger(logger).addHandler(self.crashes)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        for view in self.views:
            await view.close()
        await self.http.aclose()
        for logger in CRASH_LOGGERS:
            logging.getLogger(logger).removeHandler(self.crashes)

    def crash_logs(self) -> list[str]:
        """The server-side errors logged while this client was open."""
        return self.crashes.records

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
        """GET ``path`` with this client's cookies, following up to ``follow`` redirects
        as a browser does (``follow=0``: return the redirect itself)."""
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
            logs = self.crashes.records[-1:] if response.status_code >= 500 else []
            detail = "".join(f"\nthe server logged:\n{log}" for log in logs)
            raise LiveTestError(f"GET {path} answered {response.status_code}{detail}")
        page = parse_dead(str(response.url), response.text)
        view = LiveViewTest(self, page, _join_flash=flash)
        self.views.append(view)
        await view.connect()
        return view

    async def _child(self, parent: LiveViewTest, element_id: str) -> LiveViewTest:
        return await open_child(parent, element_id)

    async def broadcast(self, topic: str, message: Any) -> None:
        """Publish ``message`` on ``topic``, as code outside any view would."""
        from tether.pubsub import get_pubsub

        pubsub = get_pubsub()
        await pubsub.start()
        await pubsub.broadcast(topic, message)


__all__ = ["LiveClient", "LiveViewTest"]
