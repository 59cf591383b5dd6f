"""LiveView: the class users subclass.

A live view is mounted twice: once over HTTP for the dead render, then over
the WebSocket, where it lives and handles events. Handlers may be ``async
def`` (run on the loop) or plain ``def`` (run in a bounded thread pool, so
Django's sync ORM works there).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from asgiref.sync import async_to_sync

from tether import protocol
from tether.assigns import Assigns
from tether.asyncs import AsyncResult
from tether.django.views import live_view
from tether.effects import Effects, Navigation, NavKind, checked_url
from tether.family import FamilyMixin
from tether.handlers import EventHandlers
from tether.presence import get_presence, listing
from tether.presence.listing import PresenceList
from tether.pubsub import get_pubsub
from tether.streams import StreamsMixin
from tether.uploads import UploadsMixin

if TYPE_CHECKING:
    from django.http import HttpRequest, QueryDict


class Timer(Protocol):
    def cancel(self) -> None: ...


class Host(Protocol):
    """What a view can ask of whoever runs it (the live session, or nobody when dead)."""

    connected: bool

    def send(self, message: Any, delay: float = 0.0, *, repeat: bool = False) -> Timer: ...

    async def subscribe(self, topic: str) -> None: ...

    async def unsubscribe(self, topic: str) -> None: ...

    def start_async(
        self, name: str, fn: Callable[..., Any], args: tuple[Any, ...], *, assign: bool
    ) -> None: ...

    def cancel_async(self, name: str) -> bool: ...

    async def track(self, topic: str, key: str, meta: dict[str, Any]) -> None: ...

    async def broadcast_from(self, topic: str, message: Any) -> None: ...


class _NoTimer:
    def cancel(self) -> None:
        pass


class DeadHost:
    """The dead render: nothing is connected, timers and subscriptions wait for the socket."""

    connected = False

    def send(self, message: Any, delay: float = 0.0, *, repeat: bool = False) -> Timer:
        return _NoTimer()

    async def subscribe(self, topic: str) -> None:
        pass

    async def unsubscribe(self, topic: str) -> None:
        pass

    def start_async(
        self, name: str, fn: Callable[..., Any], args: tuple[Any, ...], *, assign: bool
    ) -> None:
        pass  # loads start once the view is connected

    def cancel_async(self, name: str) -> bool:
        return False

    async def track(self, topic: str, key: str, meta: dict[str, Any]) -> None:
        pass

    async def broadcast_from(self, topic: str, message: Any) -> None:
        await get_pubsub().broadcast(topic, message)


class LiveView(EventHandlers, StreamsMixin, UploadsMixin, FamilyMixin, Assigns):
    """A Django view that stays alive over a WebSocket.

    Set ``template_name``; assign attributes in ``mount`` and in event
    handlers; the template sees every public attribute.
    """

    template_name: ClassVar[str] = ""
    #: Full-page template wrapping the live container; defaults to TETHER["LAYOUT"].
    layout: ClassVar[str | None] = None
    login_required: ClassVar[bool] = False
    permission_required: ClassVar[str | Sequence[str]] = ()
    #: Hooks run before every mount, after the live session's (see tether.hooks).
    on_mount: ClassVar[Sequence[Callable[..., Any] | str]] = ()
    #: Assigns left out of the frozen state (open files, clients...); rebuild them in on_thaw.
    transient: ClassVar[Sequence[str]] = ()

    _host: Host
    _effects: Effects
    _flash: dict[str, str]
    _connect_params: dict[str, Any] | None
    request: HttpRequest

    def __init__(self) -> None:
        object.__setattr__(self, "_host", DeadHost())
        object.__setattr__(self, "_effects", Effects())
        object.__setattr__(self, "_flash", {})

    # -- lifecycle, each may be async def or def ------------------------------

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        """Set the initial assigns. Runs for the dead render and again when connected."""

    async def handle_params(self, params: QueryDict, url: str) -> None:
        """React to the URL's query string, after mount and after every patch."""

    async def handle_event(self, event: str, payload: Any) -> Any:
        """Dispatch a client event to the method marked ``@event(name)``."""
        if event == protocol.CLEAR_FLASH and event not in self._event_handlers:
            # The client's built-in phx-click="lv:clear-flash" (phx-value-key optional).
            key = payload.get("key") if isinstance(payload, dict) else None
            self.clear_flash(str(key) if key else None)
            return None
        return await self.dispatch_event(event, payload)

    async def handle_info(self, message: Any) -> None:
        """A message from ``send``/``send_after``, a timer, or a pub/sub topic."""

    async def terminate(self) -> None:
        """The view is going away (left, crashed, or its socket closed): release what it holds."""

    async def on_thaw(self) -> None:
        """The view resumed from frozen state instead of mounting: rebuild ``transient`` assigns."""

    async def handle_async(self, name: str, result: AsyncResult) -> None:
        """The outcome of ``start_async(name, ...)``: ``result.ok`` or ``result.failed``."""

    def has_access(self, request: HttpRequest) -> bool:
        """Checked at the dead render and again at every join."""
        user = getattr(request, "user", None)
        if self.login_required and not (user is not None and user.is_authenticated):
            return False
        perms = self.permission_required
        if perms:
            wanted = (perms,) if isinstance(perms, str) else tuple(perms)
            return user is not None and bool(user.has_perms(wanted))
        return True

    # -- what the runtime reads and sets (dead render and live session) ----------

    def attach(self, host: Host) -> None:
        """Run under ``host`` from now on (the live session, or ``DeadHost``)."""
        object.__setattr__(self, "_host", host)

    def take_effects(self) -> Effects:
        """What the last handlers asked for besides assigns: navigation, pushed events."""
        return self._effects.drain()

    def restore_flash(self, flash: dict[str, str]) -> None:
        """Carry a flash over from the previous page or a frozen state."""
        self._flash.update(flash)

    # -- state ----------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._host.connected

    @property
    def connect_params(self) -> dict[str, Any] | None:
        """What the browser's client sent with this join (``window.TetherOptions.params``,
        and the client's own ``_mounts``...): None in the dead render. Phoenix's
        ``get_connect_params``: read the browser's time zone or screen size in ``mount``."""
        return self.__dict__.get("_connect_params")

    @property
    def flash(self) -> dict[str, str]:
        return dict(self._flash)

    def put_flash(self, kind: str, message: str) -> None:
        self._flash[kind] = message
        self.mark_changed("flash")

    def clear_flash(self, kind: str | None = None) -> None:
        if kind is None:
            self._flash.clear()
        else:
            self._flash.pop(kind, None)
        self.mark_changed("flash")

    # -- navigation and client effects --------------------------------------

    def push_patch(self, to: str, *, replace: bool = False) -> None:
        """Change the URL without remounting; ``handle_params`` runs again."""
        to = checked_url(to, self.__dict__.get("request"))
        self._effects.navigation = Navigation(NavKind.PATCH, to, replace)

    def push_navigate(self, to: str, *, replace: bool = False) -> None:
        """Go to another live view over the same socket."""
        to = checked_url(to, self.__dict__.get("request"))
        self._effects.navigation = Navigation(NavKind.NAVIGATE, to, replace)

    def redirect(self, to: str, *, external: bool = False) -> None:
        """Leave with a full page load; to another site only with ``external=True``."""
        to = checked_url(to, self.__dict__.get("request"), external=external)
        self._effects.navigation = Navigation(NavKind.REDIRECT, to)

    def push_event(self, name: str, payload: Any) -> None:
        """Send an event to client hooks and ``window`` listeners (``phx:<name>``)."""
        self._effects.events.append((name, payload))

    # -- messages, timers, topics ---------------------------------------------

    def send(self, message: Any) -> None:
        """Deliver ``message`` to ``handle_info`` after the current handler."""
        self._host.send(message)

    def send_after(self, delay: float, message: Any) -> Timer:
        return self._host.send(message, delay)

    def send_interval(self, interval: float, message: Any) -> Timer:
        return self._host.send(message, interval, repeat=True)

    # Each of these works from both kinds of handler: in an ``async def`` one,
    # await it; in a plain ``def`` one (a worker thread), call it, and it is
    # done on the event loop before the call returns.

    def subscribe(self, topic: str) -> Awaitable[None]:
        """Receive the topic's broadcasts in ``handle_info`` while this view lives."""
        return _perform(self._host.subscribe, topic)

    def unsubscribe(self, topic: str) -> Awaitable[None]:
        return _perform(self._host.unsubscribe, topic)

    def broadcast(self, topic: str, message: Any) -> Awaitable[None]:
        """Send ``message`` to every subscriber of ``topic`` on every process, this view too."""
        return _perform(_broadcast, topic, message)

    def broadcast_from(self, topic: str, message: Any) -> Awaitable[None]:
        """Like ``broadcast``, but not to this view."""
        return _perform(self._host.broadcast_from, topic, message)

    def track(self, topic: str, key: str, meta: dict[str, Any] | None = None) -> Awaitable[None]:
        """Be present on ``topic`` as ``key`` while this view lives (see tether.presence)."""
        return _perform(self._host.track, topic, key, dict(meta or {}))

    async def presence_list(self, topic: str) -> PresenceList:
        """Who is on ``topic``: assign it, and it stays up to date by itself (the view
        must be subscribed to the topic). One list per topic per process, shared by
        every view that shows it; see tether.presence.listing."""
        if not self.connected:  # the dead render: a one-off list nobody updates
            return await listing.snapshot(get_presence(), topic)
        return await listing.presence_list(get_presence(), topic, self)

    # -- concurrent loads --------------------------------------------------------

    def assign_async(self, name: str, fn: Callable[..., Any], *args: Any) -> None:
        """Load ``name`` concurrently: the template sees an ``AsyncResult``, loading
        at first, then ok with the value or failed with the error. Loads start
        only when connected; the dead render shows the loading state."""
        setattr(self, name, AsyncResult.pending(self.get_assigns().get(name)))
        self._host.start_async(name, fn, args, assign=True)

    def start_async(self, name: str, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn`` concurrently; its outcome arrives in ``handle_async(name, result)``."""
        self._host.start_async(name, fn, args, assign=False)

    def cancel_async(self, name: str) -> None:
        """Cancel a running load; an ``assign_async`` value becomes failed("cancelled")."""
        if self._host.cancel_async(name) and isinstance(self.get_assigns().get(name), AsyncResult):
            setattr(self, name, AsyncResult.failure("cancelled"))

    # -- routing --------------------------------------------------------------

    @classmethod
    def as_view(cls) -> Callable[..., Any]:
        """The Django view for a URL pattern: the dead render, then the socket takes over."""
        return live_view(cls)


async def _broadcast(topic: str, message: Any) -> None:
    pubsub = get_pubsub()
    await pubsub.start()
    await pubsub.broadcast(topic, message)


class _Done:
    """What a view action returns in a worker thread: already done, awaitable anyway."""

    __slots__ = ()

    def __await__(self) -> Generator[None, None, None]:
        return
        yield


def _perform(action: Callable[..., Awaitable[None]], *args: Any) -> Awaitable[None]:
    """``action(*args)`` to await on the loop; run to the end at once from a worker thread.

    A plain ``def`` handler runs in a thread of the pool, where a coroutine
    would be created and silently never run; there, the action runs on the
    event loop and the thread waits for it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(_detached)(action, *args)
        return _Done()
    return action(*args)


async def _detached(action: Callable[..., Awaitable[None]], *args: Any) -> None:
    """Run ``action`` in a fresh context: ``async_to_sync`` marks its own with the worker
    thread's executor, and a task the action wakes (a view's mailbox, on a broadcast)
    would inherit it and later run its ``sync_to_async`` calls in a thread that is gone."""

    async def run() -> None:
        await action(*args)

    await asyncio.get_running_loop().create_task(run(), context=contextvars.Context())
