"""The shared vocabulary: ASGI callables and messages, and the Phoenix channel frame."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeAlias

Scope: TypeAlias = dict[str, Any]
Message: TypeAlias = dict[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
# Loose on purpose: Django's and servers' own annotations differ in detail.
ASGIApp: TypeAlias = Callable[..., Awaitable[None]]

#: ``[join_ref, ref, topic, event, payload]``, the V2 serializer's array.
Frame: TypeAlias = tuple[str | None, str | None, str, str, Any]

# ASGI WebSocket message types (the ASGI spec's names, not the Phoenix wire's).
WS_CONNECT: Final = "websocket.connect"
WS_ACCEPT: Final = "websocket.accept"
WS_RECEIVE: Final = "websocket.receive"
WS_SEND: Final = "websocket.send"
WS_DISCONNECT: Final = "websocket.disconnect"
WS_CLOSE: Final = "websocket.close"

# ASGI HTTP message types (the long-poll transport's requests).
HTTP_REQUEST: Final = "http.request"
HTTP_DISCONNECT: Final = "http.disconnect"
HTTP_RESPONSE_START: Final = "http.response.start"
HTTP_RESPONSE_BODY: Final = "http.response.body"
