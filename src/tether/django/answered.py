"""An answered HTTP request leaves no reference cycle behind.

Django's ASGI handler runs every request beside a task that listens for the
client's disconnect. Once the response is sent, uvicorn tells that listener
the request is over (``http.disconnect``), the listener raises
``RequestAborted``, and the handler reads the exception from the task. The
exception's traceback then holds the handler's frame, which holds the task,
which holds the exception: a reference cycle that keeps the request, its
session, its message storage and the whole response body until the
collector finds it.

That is cheap while the collector runs often. With thousands of open pages
Tether freezes the survivors of each full collection (``live/collector.py``),
and a crowd of page loads in flight at that moment left their cycles frozen
until the complete collection ten minutes later: about one dead page load
in five during a bench fill, each with its rendered page.

``answered(receive, send)`` wraps one request's channels: once the last body
of the response has gone out, a disconnect is not passed on; the listener
waits instead, and the handler cancels it as it does when the response comes
first, which leaves no cycle. A disconnect before the response is complete
still reaches Django as before.

The request itself is in cycles too: the message storage holds the request
that holds it, and so do the lazy ``request.user`` and ``request.auser``.
``AnsweredRequest`` is Django's ``ASGIRequest`` letting go of those three when
the response closes it (Django closes the request with the response, after
the last middleware): ``adopt(handler)`` makes it the request class of
Django's own ASGI handler, and leaves any other request class alone. And a
template's context holds the dicts it pushed, which hold it back:
``render_page`` renders a page as ``render_to_string`` does and empties the
context after, so that the request and the view in it go with the response.

Last, the database. Django's ASGI handler runs each request's sync code in a
thread of its own, so each page load that touches the database makes its own
connection object, and Django closes the connection once the response is out
(``close_old_connections``, with the default ``CONN_MAX_AGE`` of 0). When the
thread ends, that object (the wrapper and its ``ops``, ``features``,
``client``... that each point back at it) is a cycle of about sixteen objects.
A freeze while the request was in flight kept them all until the complete
collection: with a chat room filling to 10,000 pages, 85,000 dead objects,
nearly all of them these. ``release_connections`` runs after Django's own
handler at the end of every request answered through Tether's ASGI app: a
connection it closed is taken out of the thread's connections and its object
emptied, so reference counting frees it. An open one (persistent, in memory,
in a transaction) is left alone.
"""

from __future__ import annotations

import asyncio
from typing import Any

from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.core.signals import request_finished
from django.db import connections
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.django import reraise
from django.template.context import make_context
from django.template.loader import get_template

from tether.types import HTTP_DISCONNECT, HTTP_RESPONSE_BODY, Message, Receive, Send


def answered(receive: Receive, send: Send) -> tuple[Receive, Send]:
    """``receive`` and ``send`` for one HTTP request, quiet after the response."""
    sent = False

    async def send_answer(message: Message) -> None:
        nonlocal sent
        if message["type"] == HTTP_RESPONSE_BODY and not message.get("more_body", False):
            sent = True  # from here a disconnect changes nothing
        await send(message)

    async def receive_until_answered() -> Message:
        message = await receive()
        if sent and message["type"] == HTTP_DISCONNECT:
            # Django cancels its listener once the response is out: wait for that.
            await asyncio.get_running_loop().create_future()
        return message

    return receive_until_answered, send_answer


class AnsweredRequest(ASGIRequest):
    """Django's ``ASGIRequest``, out of its reference cycles once closed."""

    def close(self) -> None:
        super().close()
        # The response is out and the middleware done: nothing reads these again.
        for name in ("_messages", "user", "auser"):
            self.__dict__.pop(name, None)


def adopt(handler: Any) -> None:
    """Make ``AnsweredRequest`` the request class of Django's own ASGI handler, and
    release each request's closed database connections once it is answered."""
    if isinstance(handler, ASGIHandler) and handler.request_class is ASGIRequest:
        handler.request_class = AnsweredRequest
    # Connected after Django's close_old_connections (at django.db's import), so it runs after.
    request_finished.connect(release_connections, dispatch_uid="tether.release_connections")


def release_connections(**kwargs: Any) -> None:
    """Drop this thread's closed database connections, out of their reference cycle."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is None and not conn.in_atomic_block:
            del connections[conn.alias]
            conn.__dict__.clear()  # its parts point back at it: let go of them


def render_page(name: str, data: dict[str, Any], request: HttpRequest) -> str:
    """``render_to_string(name, data, request)``, leaving no cycle behind (see above)."""
    template = get_template(name)
    if not isinstance(template, DjangoTemplate):  # another backend: as Django renders it
        return str(template.render(data, request))
    context = make_context(data, request, autoescape=template.backend.engine.autoescape)
    try:
        return template.template.render(context)
    except TemplateDoesNotExist as exc:
        reraise(exc, template.backend)
        raise  # not reached: reraise raises
    finally:
        context.dicts.clear()
        context.render_context.dicts.clear()
