"""Calling user code that may be ``async def`` or plain ``def``.

Plain functions run in a bounded thread pool so the event loop never blocks
and Django's sync ORM works there; each call gets a fresh-enough database
connection, as a request would.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from tether.conf import setting

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None


def executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(setting("SYNC_THREADS"), thread_name_prefix="tether-sync")
    return _pool


def _with_connections(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    close_old_connections()
    try:
        return fn(*args, **kwargs)
    finally:
        close_old_connections()


async def run_sync(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    call = sync_to_async(
        functools.partial(_with_connections, fn), thread_sensitive=False, executor=executor()
    )
    return await call(*args, **kwargs)


async def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Await ``fn(*args)`` on the loop if it is async, else in the thread pool."""
    if inspect.iscoroutinefunction(fn):
        return await fn(*args, **kwargs)
    return await run_sync(fn, *args, **kwargs)
