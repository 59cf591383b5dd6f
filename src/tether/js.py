"""JS commands: client-side effects written in Python, run by the LiveView client.

A ``JS`` value is a list of commands the pinned client executes without a
round trip (show, hide, add a class...) or with one (push). Build it by
chaining, and put it where the client expects an event name::

    toggle_help = JS().toggle(to="#help").push("help-opened")
    <button phx-click="{{ toggle_help }}">Help</button>

Each method returns a new ``JS``: a value can be kept on the class, reused
and extended. ``str(js)`` is the JSON the client reads; a Django template
escapes it for the attribute, and the browser unescapes it again.

``to`` is a CSS selector, or ``{"closest": selector}`` / ``{"inner":
selector}`` relative to the element; without it a command acts on the
element itself. A ``transition`` is a class string (the classes applied
while it runs), or three of them, ``("ease-out duration-300", "opacity-0",
"opacity-100")``: while it runs, at its start, at its end.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tether import protocol

Target = str | dict[str, str]
Transition = str | Sequence[str | Sequence[str]]

#: How long the client runs a transition, unless told (milliseconds).
DEFAULT_TIME = 200


def _transition(value: Transition | None) -> list[list[str]] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value.split(), [], []]
    parts = list(value)
    if len(parts) != 3:
        raise ValueError("a transition is a class string, or three: (running, start, end)")
    return [part.split() if isinstance(part, str) else list(part) for part in parts]


def _names(names: str | Sequence[str]) -> list[str]:
    return names.split() if isinstance(names, str) else list(names)


class JS:
    """A chain of JS commands; see the module docstring."""

    __slots__ = ("ops",)

    def __init__(self, ops: Sequence[tuple[str, dict[str, Any]]] = ()) -> None:
        self.ops: tuple[tuple[str, dict[str, Any]], ...] = tuple(ops)

    def _then(self, kind: str, to: Target | None = None, **args: Any) -> JS:
        body = {key: value for key, value in args.items() if value is not None}
        if to is not None:
            body["to"] = to
        return JS((*self.ops, (kind, body)))

    def __str__(self) -> str:
        return json.dumps([[kind, args] for kind, args in self.ops], separators=(",", ":"))

    def __repr__(self) -> str:
        return f"JS({self!s})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JS) and other.ops == self.ops

    def __hash__(self) -> int:
        return hash(str(self))

    def __add__(self, other: JS) -> JS:
        return JS((*self.ops, *other.ops))

    # -- talking to the server --------------------------------------------------

    def push(
        self,
        event: str,
        *,
        value: dict[str, Any] | None = None,
        target: str | None = None,
        loading: Target | None = None,
        page_loading: bool | None = None,
    ) -> JS:
        """Send ``event`` to the view (or to ``target``, e.g. a component's ``myself``)."""
        return self._then(
            protocol.JS_PUSH,
            event=event,
            value=value,
            target=target,
            loading=loading,
            page_loading=page_loading,
        )

    def navigate(self, href: str, *, replace: bool = False) -> JS:
        """Go to another live view over the same socket."""
        return self._then(protocol.JS_NAVIGATE, href=href, replace=replace)

    def patch(self, href: str, *, replace: bool = False) -> JS:
        """Change the URL of this view; its ``handle_params`` runs."""
        return self._then(protocol.JS_PATCH, href=href, replace=replace)

    # -- showing and hiding -------------------------------------------------------

    def show(
        self,
        to: Target | None = None,
        *,
        display: str | None = None,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
        blocking: bool | None = None,
    ) -> JS:
        return self._then(
            protocol.JS_SHOW,
            to,
            display=display,
            transition=_transition(transition),
            time=time,
            blocking=blocking,
        )

    def hide(
        self,
        to: Target | None = None,
        *,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
        blocking: bool | None = None,
    ) -> JS:
        return self._then(
            protocol.JS_HIDE, to, transition=_transition(transition), time=time, blocking=blocking
        )

    def toggle(
        self,
        to: Target | None = None,
        *,
        display: str | None = None,
        in_: Transition | None = None,
        out: Transition | None = None,
        time: int = DEFAULT_TIME,
        blocking: bool | None = None,
    ) -> JS:
        """Show what is hidden and hide what is shown, with ``in_``/``out`` transitions."""
        return self._then(
            protocol.JS_TOGGLE,
            to,
            display=display,
            ins=_transition(in_),
            outs=_transition(out),
            time=time,
            blocking=blocking,
        )

    def transition(
        self,
        transition: Transition,
        to: Target | None = None,
        *,
        time: int = DEFAULT_TIME,
        blocking: bool | None = None,
    ) -> JS:
        return self._then(
            protocol.JS_TRANSITION,
            to,
            transition=_transition(transition),
            time=time,
            blocking=blocking,
        )

    # -- classes and attributes ---------------------------------------------------

    def add_class(
        self,
        names: str | Sequence[str],
        to: Target | None = None,
        *,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
        blocking: bool | None = None,
    ) -> JS:
        return self._class_op(protocol.JS_ADD_CLASS, names, to, transition, time, blocking)

    def remove_class(
        self,
        names: str | Sequence[str],
        to: Target | None = None,
        *,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
        blocking: bool | None = None,
    ) -> JS:
        return self._class_op(protocol.JS_REMOVE_CLASS, names, to, transition, time, blocking)

    def toggle_class(
        self,
        names: str | Sequence[str],
        to: Target | None = None,
        *,
        transition: Transition | None = None,
        time: int = DEFAULT_TIME,
        blocking: bool | None = None,
    ) -> JS:
        return self._class_op(protocol.JS_TOGGLE_CLASS, names, to, transition, time, blocking)

    def _class_op(
        self,
        kind: str,
        names: str | Sequence[str],
        to: Target | None,
        transition: Transition | None,
        time: int,
        blocking: bool | None,
    ) -> JS:
        return self._then(
            kind,
            to,
            names=_names(names),
            transition=_transition(transition),
            time=time,
            blocking=blocking,
        )

    def set_attribute(self, name: str, value: str, to: Target | None = None) -> JS:
        return self._then(protocol.JS_SET_ATTR, to, attr=[name, value])

    def remove_attribute(self, name: str, to: Target | None = None) -> JS:
        return self._then(protocol.JS_REMOVE_ATTR, to, attr=name)

    def toggle_attribute(
        self, name: str, value: str, other: str | None = None, to: Target | None = None
    ) -> JS:
        """Set ``name`` to ``value``, or back (to ``other``, or removed) if it has it."""
        attr = [name, value] if other is None else [name, value, other]
        return self._then(protocol.JS_TOGGLE_ATTR, to, attr=attr)

    # -- events, focus, other commands -----------------------------------------------

    def dispatch(
        self,
        event: str,
        to: Target | None = None,
        *,
        detail: dict[str, Any] | None = None,
        bubbles: bool = True,
        blocking: bool | None = None,
    ) -> JS:
        """Dispatch a DOM event (``event``) for your own scripts to hear."""
        return self._then(
            protocol.JS_DISPATCH, to, event=event, detail=detail, bubbles=bubbles, blocking=blocking
        )

    def exec(self, attr: str, to: Target | None = None) -> JS:
        """Run the JS commands held in the ``attr`` attribute of the target."""
        return self._then(protocol.JS_EXEC, to, attr=attr)

    def focus(self, to: Target | None = None) -> JS:
        return self._then(protocol.JS_FOCUS, to)

    def focus_first(self, to: Target | None = None) -> JS:
        return self._then(protocol.JS_FOCUS_FIRST, to)

    def push_focus(self, to: Target | None = None) -> JS:
        """Remember ``to`` (by default the element clicked) for a later ``pop_focus``."""
        return self._then(protocol.JS_PUSH_FOCUS, to)

    def pop_focus(self) -> JS:
        return self._then(protocol.JS_POP_FOCUS)
