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
"""

from __future__ import annotations

import asyncio

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
