"""Event handlers: ``@event`` and the per-class table that views and components share.

A class's table is built once, when the class is defined: event name ->
(method name, whether it takes the payload, whether it is ``async def``).
Dispatch is then a dict lookup; a plain ``def`` handler runs in the thread
pool, where it may block or use the sync ORM. The method names are reserved:
an assign or a class attribute of the same name would hide the handler, so
both are refused with a message that says so.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from tether.errors import ReservedName, UnknownEvent
from tether.sync import run_sync

F = TypeVar("F", bound=Callable[..., Any])

#: event name -> (method name, takes the payload, is async)
HandlerTable = dict[str, tuple[str, bool, bool]]


def event(name: str | Callable[..., Any] | None = None) -> Any:
    """Mark a method as the handler of a client event.

    ``@event`` uses the method's name; ``@event("save-item")`` names it.
    """

    def mark(fn: F, event_name: str | None = None) -> F:
        fn.__dict__["_tether_event"] = event_name or fn.__name__
        return fn

    if callable(name):
        return mark(name)  # type: ignore[type-var]
    return lambda fn: mark(fn, name)


def takes_argument(fn: Callable[..., Any], *, bound: bool = True) -> bool:
    """Whether ``fn`` takes a positional argument (besides ``self`` when unbound)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return True
    positional = [
        p
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
    ]
    if not bound and positional and positional[0].kind is not positional[0].VAR_POSITIONAL:
        positional = positional[1:]  # self
    return bool(positional)


class EventHandlers:
    """Mixin: the class's ``@event`` table, its reserved names, and dispatch."""

    _event_handlers: ClassVar[HandlerTable] = {}
    _reserved: frozenset[str] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: HandlerTable = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                name = getattr(value, "_tether_event", None)
                if isinstance(name, str):
                    is_async = inspect.iscoroutinefunction(value)
                    handlers[name] = (attr, takes_argument(value, bound=False), is_async)
        cls._event_handlers = handlers
        cls._reserved = frozenset(attr for attr, _, _ in handlers.values())
        for attr in cls._reserved:
            if not callable(getattr(cls, attr)):
                raise ReservedName(
                    f"{cls.__name__}.{attr} is an @event handler of a base class; "
                    "a class attribute of that name hides it: choose another name"
                )

    async def dispatch_event(self, event: str, payload: Any) -> Any:
        """Call the ``@event`` method for ``event``; ``UnknownEvent`` (with a
        did-you-mean) when there is none."""
        found = self._event_handlers.get(event)
        if found is None:
            raise UnknownEvent(event, self._event_handlers)
        attr, takes_payload, is_async = found
        handler = getattr(self, attr)
        args = (payload,) if takes_payload else ()
        if is_async:
            return await handler(*args)
        # A plain def may block or use the sync ORM: it runs in the thread pool.
        return await run_sync(handler, *args)
