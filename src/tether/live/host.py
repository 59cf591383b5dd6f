"""The services a connected view calls: timers, topics, presence and concurrent loads.

A ``ViewHost`` is what ``LiveView._host`` points at while the view is live.
It owns everything the view started through it (timer handles and load tasks
through the socket's ``Owner``, pub/sub subscriptions, presence entries) and
ends all of it in ``close()``. Results come back to the view only through
its session's mailbox (``deliver``), so the view still handles one thing at a
time. A plain ``def`` handler runs in a thread: every entry point that may be
called from there hops to the loop first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from tether.asyncs import AsyncResult
from tether.live.owner import Owner, best_effort
from tether.presence import get_presence
from tether.protocol import Mailbox
from tether.pubsub import get_pubsub
from tether.sync import call
from tether.view import Timer

logger = logging.getLogger("tether.host")

Deliver = Callable[[Mailbox, Any], None]
Meta = dict[str, Any]


# The shared empty containers of ViewHost (see its __init__): never written to.
_NONE: dict[Any, Any] = {}
_NO_PRESENCES: list[Any] = []


class _Timer:
    __slots__ = ("_cancelled", "_handle", "_host")

    def __init__(self, host: ViewHost) -> None:
        self._host = host
        self._handle: asyncio.TimerHandle | None = None
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True
        host = self._host
        host._timers.pop(self, None)
        handle, self._handle = self._handle, None
        if handle is not None:
            host.soon(host._owner.cancel_timer, handle)


class ViewHost:
    """One live view's timers, subscriptions, presences and loads; see the module doc."""

    __slots__ = (
        "_deliver",
        "_loads",
        "_loop",
        "_owner",
        "_presences",
        "_subscriptions",
        "_timers",
        "closed",
        "name",
    )

    connected = True

    def __init__(self, owner: Owner, deliver: Deliver, name: str) -> None:
        self._owner = owner
        self._deliver = deliver
        self.name = name  # the view's class, for logs
        self._loop = asyncio.get_running_loop()
        # Most views hold no timer, topic, load or presence: until the first, each
        # container is one empty object shared by every view, never written to
        # (only read, popped from and cleared); the first write makes the view's own.
        self._timers: dict[_Timer, None] = _NONE
        self._subscriptions: dict[str, Any] = _NONE
        self._loads: dict[str, asyncio.Task[None]] = _NONE
        self._presences: list[tuple[str, str, Meta]] = _NO_PRESENCES
        self.closed = False

    @property
    def busy(self) -> bool:
        """Timers or loads pending: the view cannot be frozen while idle."""
        return bool(self._timers or self._loads)

    @property
    def topics(self) -> list[str]:
        return list(self._subscriptions)

    @property
    def presences(self) -> list[tuple[str, str, Meta]]:
        return list(self._presences)

    def soon(self, fn: Callable[..., object], *args: Any) -> None:
        """Run ``fn`` on the loop: at once there, or from a plain def handler's thread."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            fn(*args)
        else:
            self._loop.call_soon_threadsafe(fn, *args)

    # -- messages and timers ---------------------------------------------------

    def send(self, message: Any, delay: float = 0.0, *, repeat: bool = False) -> Timer:
        timer = _Timer(self)
        if delay <= 0 and not repeat:
            self.soon(self._deliver, Mailbox.INFO, message)
            return timer
        if self._timers is _NONE:
            self._timers = {}
        self._timers[timer] = None
        self.soon(self._schedule, timer, message, delay, repeat)
        return timer

    def _schedule(self, timer: _Timer, message: Any, delay: float, repeat: bool) -> None:
        if timer._cancelled or self.closed:
            return

        def fire() -> None:
            if timer._cancelled or self.closed:
                return
            self._deliver(Mailbox.INFO, message)
            if repeat:
                timer._handle = self._owner.call_later(delay, fire)
            else:
                self._timers.pop(timer, None)

        timer._handle = self._owner.call_later(delay, fire)

    # -- topics and presence ---------------------------------------------------

    async def subscribe(self, topic: str) -> None:
        if topic in self._subscriptions or self.closed:
            return
        pubsub = get_pubsub()
        await pubsub.start()
        handle = await pubsub.subscribe(topic, self._on_message, owner=self)
        if self._subscriptions is _NONE:
            self._subscriptions = {}
        self._subscriptions[topic] = handle

    async def unsubscribe(self, topic: str) -> None:
        handle = self._subscriptions.pop(topic, None)
        if handle is not None:
            await handle.unsubscribe()

    def _on_message(self, message: Any) -> None:
        # The Message itself travels, so that views rendering the same diff for
        # it share one encoded payload (see live/shared.py).
        self._deliver(Mailbox.INFO, message)

    async def broadcast_from(self, topic: str, message: Any) -> None:
        pubsub = get_pubsub()
        await pubsub.start()
        await pubsub.broadcast_from(self, topic, message)

    async def track(self, topic: str, key: str, meta: Meta) -> None:
        presence = get_presence()
        await presence.start()
        await presence.track(topic, key, meta, owner=self)
        if self._presences is _NO_PRESENCES:
            self._presences = []
        self._presences.append((topic, key, meta))

    async def relink(self, topics: list[str], presences: list[tuple[str, str, Meta]]) -> None:
        """Subscribe and track again what a frozen view had (a thaw after a reconnect)."""
        for topic in topics:
            await self.subscribe(topic)
        for topic, key, meta in presences:
            await self.track(topic, key, meta)

    # -- concurrent loads ------------------------------------------------------

    def start_async(
        self, name: str, fn: Callable[..., Any], args: tuple[Any, ...], *, assign: bool
    ) -> None:
        self.soon(self._start_load, name, fn, args, assign)

    def _start_load(
        self, name: str, fn: Callable[..., Any], args: tuple[Any, ...], assign: bool
    ) -> None:
        if self.closed:
            return
        self.cancel_async(name)

        async def load() -> None:
            try:
                outcome = AsyncResult.success(await call(fn, *args))
            except Exception as exc:
                logger.info("%s: load %r failed: %r", self.name, name, exc)
                outcome = AsyncResult.failure(exc)
            self._deliver(Mailbox.ASYNC, (name, outcome, assign))

        task = self._owner.spawn(load(), name=f"tether load {name}")
        if self._loads is _NONE:
            self._loads = {}
        self._loads[name] = task
        task.add_done_callback(
            lambda t: self._loads.pop(name, None) if self._loads.get(name) is t else None
        )

    def cancel_async(self, name: str) -> bool:
        task = self._loads.pop(name, None)
        if task is None:
            return False
        self.soon(task.cancel)
        return True

    # -- the end ---------------------------------------------------------------

    async def close(self) -> None:
        """Cancel every timer and load, unsubscribe every topic, leave every presence."""
        if self.closed:
            return
        self.closed = True
        for timer in list(self._timers):
            timer.cancel()
        self._timers.clear()
        for task in self._loads.values():
            task.cancel()
        self._loads.clear()
        for topic in list(self._subscriptions):
            await best_effort(self.unsubscribe(topic), "unsubscribe")
        if self._presences:
            self._presences.clear()
            await best_effort(get_presence().untrack_owner(self), "untrack")
