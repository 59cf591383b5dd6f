"""Assigns: the public attributes of a live view, with a record of which changed.

Assigning an attribute marks its name as changed; the next render evaluates
only the template slots that read a changed name. In-place mutation
(``self.items.append(x)``) is invisible to Python's attribute protocol, so
``mark_changed("items")`` says it explicitly.

Names changed in place (``mark_changed``, or an attribute assigned the object
it already holds) are also kept apart: a render shared between views
(``templates/memo.py``) is keyed by its inputs' identity, so for those names
the next render must not trust it.
"""

from __future__ import annotations

from typing import Any

from tether.errors import ReservedName

# Attributes of a view that are never template assigns.
RESERVED = frozenset({"request"})

_UNSET = object()


class Assigns:
    """Mixin: records changed public attribute names in ``_changed``."""

    _changed: set[str]
    #: Names no assign may take (a view's event handlers), set per class.
    _reserved: frozenset[str] = frozenset()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._reserved:
            raise ReservedName(
                f"{type(self).__name__}.{name} is an @event handler; "
                "an assign of that name would hide it: choose another name"
            )
        previous = self.__dict__.get(name, _UNSET)
        object.__setattr__(self, name, value)
        if not name.startswith("_") and name not in RESERVED:
            try:
                self._changed.add(name)
            except AttributeError:
                object.__setattr__(self, "_changed", {name})
            if previous is value:
                self._mark_mutated((name,))

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        if not name.startswith("_") and name not in RESERVED:
            self.mark_changed(name)

    def mark_changed(self, *names: str) -> None:
        """Declare names mutated in place, so the next render evaluates them again."""
        try:
            self._changed.update(names)
        except AttributeError:
            object.__setattr__(self, "_changed", set(names))
        self._mark_mutated(names)

    def _mark_mutated(self, names: tuple[str, ...]) -> None:
        mutated: set[str] | None = self.__dict__.get("_mutated")
        if mutated is None:
            object.__setattr__(self, "_mutated", set(names))
        else:
            mutated.update(names)

    def get_assigns(self) -> dict[str, Any]:
        # name[0], not name.startswith(): this runs for every name at every render.
        return {
            name: value
            for name, value in self.__dict__.items()
            if name[0] != "_" and name not in RESERVED
        }

    def pop_changed(self) -> set[str]:
        # An idle view holds no empty set: the next assignment creates one.
        changed: set[str] = self.__dict__.pop("_changed", None) or set()
        return changed

    def pop_mutated(self) -> frozenset[str]:
        """The names changed in place since the last call (see the module's docstring)."""
        mutated: set[str] | None = self.__dict__.pop("_mutated", None)
        return frozenset(mutated) if mutated else frozenset()
