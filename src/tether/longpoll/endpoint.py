"""``/live/longpoll``: the HTTP exchange of Phoenix's LongPoll transport, over ASGI.

The client's first GET (no token) opens a connection and is answered
``410`` with the token that names it; it then GETs in a loop, each poll
answered ``200`` with the frames waiting or ``204`` after ``POLL_TIMEOUT``.
It POSTs its frames in batches, one frame per line (``application/x-ndjson``).
A token that names no open connection gets ``410``, which the client reads
as "this connection is gone": it opens a new one and rejoins its views.

Every request passes the WebSocket's checks: the ``Origin`` (``403``), the
serializer ``vsn``, and the connection's CSRF token, which each request
carries again and must match the one the connection was opened with (the join
checks it against the browser's CSRF secret, as over the socket). Frames are
limited as on the socket (``MAX_FRAME_BYTES``), and a batch by
``MAX_BATCH_BYTES``; a bad frame or batch closes the connection.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from django.utils.crypto import constant_time_compare

from tether import protocol
from tether.conf import setting
from tether.django import auth
from tether.errors import MalformedFrame
from tether.longpoll.connection import LongPollConnection
from tether.longpoll.hub import hub
from tether.types import (
    HTTP_DISCONNECT,
    HTTP_RESPONSE_BODY,
    HTTP_RESPONSE_START,
    Receive,
    Scope,
    Send,
)

logger = logging.getLogger("tether.longpoll")

HTTP_OK = 200
HTTP_BAD_REQUEST = 400
HTTP_METHOD_NOT_ALLOWED = 405
HTTP_TOO_LARGE = 413


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer one long-poll request."""
    method = scope.get("method")
    if method not in ("GET", "POST"):
        await _respond(send, HTTP_METHOD_NOT_ALLOWED, {}, extra=((b"allow", b"GET, POST"),))
        return
    query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
    csrf = query.get(protocol.CSRF_PARAM, [None])[0]
    vsn = query.get(protocol.VSN_PARAM, [protocol.SERIALIZER_VSN])[0]
    if not auth.origin_allowed(scope) or vsn != protocol.SERIALIZER_VSN:
        logger.warning("long poll refused: Origin %s", auth.header(scope, b"origin"))
        await _status(send, protocol.LONGPOLL_FORBIDDEN, http=protocol.LONGPOLL_FORBIDDEN)
        return
    token = query.get(protocol.LONGPOLL_TOKEN_PARAM, [None])[0]
    connection = hub.find(token)
    if connection is not None and not _same_csrf(connection, csrf):
        await _status(send, protocol.LONGPOLL_FORBIDDEN, http=protocol.LONGPOLL_FORBIDDEN)
        return
    if connection is not None and method == "GET":
        await _poll(receive, send, connection, token)
    elif connection is not None:
        await _post(scope, receive, send, connection)
    elif token:
        # Closed, expired, or held by another process: the client rejoins on a new
        # connection, once the views of this one are in the state store.
        await hub.release(token)
        await _status(send, protocol.LONGPOLL_GONE)
    elif method == "GET":
        # A new connection: the join checks this CSRF token against the cookie.
        scope["tether.csrf_token"] = csrf
        connection, token = await hub.open(scope)
        connection.touch()  # before the answer: a client that never polls still expires
        await _status(send, protocol.LONGPOLL_GONE, token=token, messages=[])
    else:
        await _status(send, protocol.LONGPOLL_GONE)


def _same_csrf(connection: LongPollConnection, csrf: str | None) -> bool:
    return constant_time_compare(connection.csrf_token or "", csrf or "")


async def _poll(
    receive: Receive, send: Send, connection: LongPollConnection, token: str | None
) -> None:
    async def gone() -> None:
        while (await receive())["type"] != HTTP_DISCONNECT:
            pass

    timeout = float(setting("LONGPOLL")["POLL_TIMEOUT"])
    frames = await connection.poll(timeout, gone)
    if frames is None:
        await connection.wait_closed()
        await _status(send, protocol.LONGPOLL_GONE, token=token, messages=[])
    elif frames:
        await _status(send, protocol.LONGPOLL_OK, token=token, messages=frames)
    else:
        await _status(send, protocol.LONGPOLL_NO_CONTENT, token=token, messages=[])


async def _post(scope: Scope, receive: Receive, send: Send, connection: LongPollConnection) -> None:
    limit = int(setting("LONGPOLL")["MAX_BATCH_BYTES"])
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == HTTP_DISCONNECT:
            return
        body += message.get("body", b"")
        if len(body) > limit:
            connection.close(protocol.CLOSE_TOO_BIG, f"batch over {limit} bytes")
            await _respond(send, HTTP_TOO_LARGE, {protocol.LONGPOLL_STATUS: HTTP_TOO_LARGE})
            return
        if not message.get("more_body"):
            break
    try:
        texts = _frames(bytes(body), auth.header(scope, b"content-type"))
    except MalformedFrame as exc:
        connection.close(protocol.CLOSE_PROTOCOL_ERROR, f"malformed batch: {exc}")
        await _respond(send, HTTP_BAD_REQUEST, {protocol.LONGPOLL_STATUS: HTTP_BAD_REQUEST})
        return
    try:
        connection.receive(texts)
    except MalformedFrame as exc:
        connection.close(protocol.CLOSE_PROTOCOL_ERROR, f"malformed frame: {exc}")
        await _respond(send, HTTP_BAD_REQUEST, {protocol.LONGPOLL_STATUS: HTTP_BAD_REQUEST})
        return
    await _status(send, protocol.LONGPOLL_OK)


def _frames(body: bytes, content_type: str | None) -> list[str]:
    """The frames of a batch, each within ``MAX_FRAME_BYTES``; the client sends no empty line."""
    max_bytes = int(setting("MAX_FRAME_BYTES"))
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise MalformedFrame("the batch is not UTF-8") from None
    kind = (content_type or "").split(";")[0].strip().lower()
    # Only newlines split: JSON text may hold U+2028 and other breaks str.splitlines knows.
    lines = text.split("\n") if kind == protocol.LONGPOLL_BATCH_TYPE else [text]
    lines = [line.removesuffix("\r") for line in lines]
    for line in lines:
        if len(line) > max_bytes // 4 and len(line.encode()) > max_bytes:
            raise MalformedFrame(f"frame over {max_bytes} bytes")
    return lines


async def _status(send: Send, status: int, *, http: int = HTTP_OK, **fields: Any) -> None:
    await _respond(send, http, {protocol.LONGPOLL_STATUS: status, **fields})


async def _respond(
    send: Send, status: int, body: dict[str, Any], extra: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    data = protocol.escape_surrogates(protocol.dumps(body)).encode()
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(data)).encode()),
        (b"cache-control", b"no-store"),
        *extra,
    ]
    await send({"type": HTTP_RESPONSE_START, "status": status, "headers": headers})
    await send({"type": HTTP_RESPONSE_BODY, "body": data})
