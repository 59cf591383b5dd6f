"""Threads for the sync parts of Django's requests, reused from one request to the next.

Django's ASGI handler runs each request's sync code (every stock middleware
hops to a thread twice) in one thread of its own: thread-sensitive, as a
WSGI server would. But it starts that thread for the request and joins it
in yet another new thread at the end, two thread starts per page, and the
event loop's thread waits for each new thread to get the GIL before it goes
on. In a crowd of dead renders that is a stall of the loop per page.

``RequestThreads`` keeps the threads instead, as a WSGI server's pool does:
a request borrows an idle single-thread executor for its whole life (so its
sync parts still share one thread), and gives it back at the end. Django's
own per-request context then finds this one already set and stands aside
(asgiref's ``ThreadSensitiveContext(executor=...)``). An executor still
running something of its last request (a sync call that outlived a client
who went away) is not reused: the next request would wait behind it.

``TETHER["REQUEST_THREADS"]`` is how many idle threads are kept; 0, the
default, leaves Django's fresh thread per request. The pool is opt-in: its
idle threads hold their stacks and their allocator arenas, about 2 KiB per
page with a thousand counter pages open after a crowd of 100 in flight
(``make bench``), against thread starts it saves. One difference shows: a
task a view left running after its response can no longer call
thread-sensitive sync code (asgiref refuses, rather than start a thread for
the finished request).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from asgiref.sync import ThreadSensitiveContext

T = TypeVar("T")

# asgiref takes a context's executor from 3.13 (the pinned version); before, Django's
# own thread per request stays.
SUPPORTED = "executor" in inspect.signature(ThreadSensitiveContext).parameters


class _RequestThread(ThreadPoolExecutor):
    """One thread; remembers the last call submitted (calls run in order)."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="tether-request")
        self.last: Future[Any] | None = None

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future = super().submit(fn, *args, **kwargs)
        self.last = future
        return future

    @property
    def idle(self) -> bool:
        return self.last is None or self.last.done()


class RequestThreads:
    """At most ``keep`` idle request threads, lent one per request."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._idle: list[_RequestThread] = []

    @asynccontextmanager
    async def lend(self) -> AsyncIterator[None]:
        """Inside, the request's thread-sensitive sync calls run in one borrowed thread."""
        if self.keep <= 0 or not SUPPORTED:
            yield
            return
        thread = self._idle.pop() if self._idle else _RequestThread()
        try:
            async with ThreadSensitiveContext(executor=thread):  # type: ignore[call-arg,unused-ignore]
                yield
        finally:
            if thread.idle and len(self._idle) < self.keep:
                self._idle.append(thread)
            else:
                thread.shutdown(wait=False)  # ends once its last call returns

    @property
    def idle(self) -> int:
        return len(self._idle)

    def close(self) -> None:
        idle, self._idle = self._idle, []
        for thread in idle:
            thread.shutdown(wait=False)
