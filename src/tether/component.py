"""LiveComponent: a reusable, stateful piece of a live view's page.

A component has its own template, its own assigns (with the same record of
changed names as a view's, so only what changed is rendered again) and its
own ``@event`` handlers, which receive the events of elements that target it
(``phx-target="{{ myself }}"``). It lives inside its view: it runs in the
view's session, one thing at a time with the view, and is frozen and thawed
with it (``tether.component_set`` keeps a view's components).

    class Card(LiveComponent):
        template_name = "cards/card.html"

        def mount(self):
            self.editing = False

        @event
        def edit(self):
            self.editing = True

Its lifecycle: created the first time the parent renders
``{% live_component "app.components.Card" id="card-1" item=item %}``
(``mount()``, then ``update(assigns)``), updated each time the parent
renders that tag with changed arguments (``update(assigns)``, or
``update_many`` once for every component of the class in one render), and
destroyed once the browser has removed it from the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from tether.assigns import Assigns
from tether.asyncs import AsyncResult
from tether.handlers import EventHandlers

if TYPE_CHECKING:
    from typing import Self

    from tether.view import Host, Timer

# tether.view renders through tether.rendering, which renders components:
# this module sits below it and imports it only for types.


class _Unattached:
    """A component made outside a view (in a unit test): nothing is connected."""

    connected = False

    def send(self, message: Any, delay: float = 0.0, *, repeat: bool = False) -> Any:
        return self  # a timer that was never started

    def cancel(self) -> None:
        pass

    def start_async(self, name: str, fn: Callable[..., Any], args: Any, *, assign: bool) -> None:
        pass

    def cancel_async(self, name: str) -> bool:
        return False


class Target(int):
    """``{{ myself }}``: the component's cid, which ``phx-target`` takes."""

    __slots__ = ()

    def __str__(self) -> str:
        return int.__repr__(self)

    def __repr__(self) -> str:
        return f"Target({int(self)})"


@dataclass(frozen=True, slots=True)
class ComponentUpdate:
    """``send_update``'s message to the view's session: new assigns for one component."""

    component: type[LiveComponent] | str
    id: str
    assigns: dict[str, Any] = field(default_factory=dict)


class ComponentLoad(str):
    """The name of a component's load, carrying the cid it reports back to."""

    __slots__ = ("cid", "load")

    cid: int
    load: str

    def __new__(cls, load: str, cid: int) -> ComponentLoad:
        self = super().__new__(cls, f"{load}@{cid}")
        self.cid = cid
        self.load = load
        return self


def send_update(sender: Any, component: type[LiveComponent] | str, id: str, **assigns: Any) -> None:
    """Hand ``assigns`` to the ``update`` of the component ``id`` of class ``component``,
    after the current handler. ``sender`` is the view (or a component) doing it."""
    sender._host.send(ComponentUpdate(component, str(id), assigns))


def send_update_after(
    sender: Any, delay: float, component: type[LiveComponent] | str, id: str, **assigns: Any
) -> Timer:
    """``send_update`` in ``delay`` seconds; returns a timer that ``cancel()`` stops."""
    timer: Timer = sender._host.send(ComponentUpdate(component, str(id), assigns), delay)
    return timer


class LiveComponent(EventHandlers, Assigns):
    """A component: subclass it, set ``template_name``, write ``mount``, ``update``, events.

    Every public attribute is an assign its template sees, with ``id`` (its
    id on the page) and ``myself`` (its target, for ``phx-target``).
    """

    template_name: ClassVar[str] = ""
    # A class in a template's context names a component: Django must not call it.
    do_not_call_in_templates: ClassVar[bool] = True
    #: Assigns left out of the frozen state; rebuild them in ``update``.
    transient: ClassVar[Sequence[str]] = ()

    _host: Host

    id: str
    myself: Target

    def __init__(self, cid: int, ident: str, host: Host | Any = None) -> None:
        object.__setattr__(self, "_host", host or _Unattached())
        self.id = ident
        self.myself = Target(cid)

    # -- lifecycle: each may be async def or def --------------------------------

    def mount(self) -> None:
        """Set the initial assigns; runs once, before the first ``update``."""

    def update(self, assigns: dict[str, Any]) -> None:
        """The parent rendered the tag (or ``send_update`` ran) with ``assigns``.

        By default each is assigned; an unchanged value is not marked changed,
        so what reads it is not rendered again."""
        current = self.__dict__
        for name, value in assigns.items():
            if name not in current or (current[name] is not value and current[name] != value):
                setattr(self, name, value)

    @classmethod
    def update_many(cls, pairs: list[tuple[dict[str, Any], Self]]) -> None:
        """Override to update every component of this class rendered in one pass at
        once (one query for a hundred rows): ``pairs`` are (assigns, component)."""
        for assigns, component in pairs:
            component.update(assigns)

    async def handle_event(self, event: str, payload: Any) -> Any:
        """Dispatch an event targeted at this component to its ``@event`` method."""
        return await self.dispatch_event(event, payload)

    async def handle_async(self, name: str, result: AsyncResult) -> None:
        """The outcome of ``start_async(name, ...)``."""

    # -- talking to the rest of the page -----------------------------------------

    @property
    def connected(self) -> bool:
        return self._host.connected

    def send_parent(self, message: Any) -> None:
        """Deliver ``message`` to the parent view's ``handle_info``, after this handler."""
        self._host.send(message)

    def send_update(self, component: type[LiveComponent] | str, id: str, **assigns: Any) -> None:
        send_update(self, component, id, **assigns)

    def send_update_after(
        self, delay: float, component: type[LiveComponent] | str, id: str, **assigns: Any
    ) -> Timer:
        return send_update_after(self, delay, component, id, **assigns)

    def assign_async(self, name: str, fn: Callable[..., Any], *args: Any) -> None:
        """As ``LiveView.assign_async``: the template sees an ``AsyncResult``."""
        setattr(self, name, AsyncResult.pending(self.__dict__.get(name)))
        self._host.start_async(ComponentLoad(name, self.myself), fn, args, assign=True)

    def start_async(self, name: str, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn`` concurrently; its outcome arrives in ``handle_async(name, result)``."""
        self._host.start_async(ComponentLoad(name, self.myself), fn, args, assign=False)

    def cancel_async(self, name: str) -> None:
        if self._host.cancel_async(ComponentLoad(name, self.myself)):
            if isinstance(self.__dict__.get(name), AsyncResult):
                setattr(self, name, AsyncResult.failure("cancelled"))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.__dict__.get('id')!r}>"


def class_path(cls: type[LiveComponent]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"
