"""The ASGI entry: ``/live/websocket`` and ``/live/longpoll`` are Tether's, the rest Django's.

    # asgi.py of a project
    from django.core.asgi import get_asgi_application
    from tether.asgi import TetherASGI
    application = TetherASGI(get_asgi_application())

or run ``uvicorn tether.asgi:application`` with ``DJANGO_SETTINGS_MODULE`` set.
"""

from __future__ import annotations

import logging
from typing import Any

from tether import protocol
from tether.conf import setting
from tether.django.answered import adopt, answered
from tether.django.request_threads import RequestThreads
from tether.django.warmup import warm_up
from tether.live.collector import collector
from tether.live.registry import registry
from tether.live.socket import LiveSocket
from tether.longpoll import endpoint as longpoll
from tether.longpoll.hub import hub as longpoll_hub
from tether.presence import get_presence
from tether.pubsub import get_pubsub
from tether.staticfiles import StaticFiles
from tether.types import WS_CLOSE, ASGIApp, Receive, Scope, Send

logger = logging.getLogger("tether.asgi")


class TetherASGI:
    def __init__(self, django_app: ASGIApp, *, serve_static: bool | None = None) -> None:
        from django.conf import settings

        self.django_app = django_app
        adopt(django_app)  # its requests leave no reference cycle once answered
        self.request_threads = RequestThreads(int(setting("REQUEST_THREADS") or 0))
        if serve_static is None:
            serve_static = settings.DEBUG
        self.static = StaticFiles() if serve_static else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "websocket":
            if scope["path"] == protocol.SOCKET_PATH:
                await LiveSocket(scope, receive, send).serve()
            else:
                await send({"type": WS_CLOSE, "code": 404})
        elif kind == "http" and scope["path"] == protocol.LONGPOLL_PATH:
            await longpoll.serve(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(receive, send)
        elif self.static is not None and self.static.handles(scope):
            await self.static(scope, receive, send)
        else:
            collector.requests += 1  # its cycles die soon: no freeze meanwhile
            receive, send = answered(receive, send)
            try:
                if self.request_threads.keep:
                    async with self.request_threads.lend():
                        await self.django_app(scope, receive, send)
                else:  # no pool (the default): no context manager per request
                    await self.django_app(scope, receive, send)
            finally:
                collector.requests -= 1

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    warm_up()
                except Exception as exc:
                    logger.exception("Tether could not start")
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def shutdown(self) -> None:
        self.request_threads.close()
        await registry.close_all()
        await longpoll_hub.close()
        await get_presence().close()
        await get_pubsub().close()


def get_application() -> TetherASGI:
    from django.core.asgi import get_asgi_application

    return TetherASGI(get_asgi_application())


def __getattr__(name: str) -> Any:
    # `tether.asgi:application` for servers, built on first access so that
    # importing this module does not need configured settings.
    if name == "application":
        app = get_application()
        globals()["application"] = app
        return app
    raise AttributeError(name)
