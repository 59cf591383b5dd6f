"""The shared vocabulary: ASGI callables and the Phoenix channel frame."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

Scope: TypeAlias = dict[str, Any]
Message: TypeAlias = dict[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
# Loose on purpose: Django's and servers' own annotations differ in detail.
ASGIApp: TypeAlias = Callable[..., Awaitable[None]]

#: ``[join_ref, ref, topic, event, payload]``, the V2 serializer's array.
Frame: TypeAlias = tuple[str | None, str | None, str, str, Any]
