"""A live view's relatives: the view that rendered it and the views it renders.

``{% live_render %}`` places a child view inside its parent's template. The
child runs in a session of its own, on its own topic: its own events, state
and crashes. What the two share is the connection, so a message one sends the
other goes straight into that view's mailbox and reaches its ``handle_info``
in order with the rest of its work, as ``send`` does for the view itself.

A ``ViewRef`` names a relative by its container id; ``send`` looks the view up
when it is called, so a reference outlives a crash and a rejoin of the view
it names. Like a message to a process that has ended, one sent to a view that
is not live (not joined yet, crashed, left) is dropped, and ``send`` says so.

``Placement`` is where a view renders: its container's id, and the key its
state is frozen under (a page's id; ``<parent key>/<child id>`` for a child),
so that a child's state is found again when its page resumes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

#: The context key the view being rendered sits under, for ``{% live_render %}``.
PARENT = "_tether_parent"
# Containers a view keeps (FamilyMixin.child_html): one per child id it rendered lately.
CHILD_HTML_KEPT = 64


class Kin(Protocol):
    """How a live view reaches the other views of its connection (``live/children.py``)."""

    def deliver_to(self, element_id: str, message: Any) -> bool: ...


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a view renders, and for whom: what its children's tokens are bound to."""

    element_id: str
    key: str  # unique in the state store: where the view's state is frozen
    parent_id: str = ""
    user_id: str | None = None
    browser: str = ""  # tokens.browser_key of the browser's CSRF secret


class ViewRef:
    """A live view another view of the same page can send messages to."""

    __slots__ = ("_kin", "id")

    def __init__(self, kin: Kin | None, element_id: str) -> None:
        self._kin = kin
        self.id = element_id

    def send(self, message: Any) -> bool:
        """Deliver ``message`` to the view's ``handle_info``; False when it is not live."""
        return self._kin is not None and self._kin.deliver_to(self.id, message)

    def __repr__(self) -> str:
        return f"<ViewRef {self.id!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ViewRef) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)


class FamilyMixin:
    """``parent_view`` and ``child_view(id)`` on ``LiveView``."""

    # A view class in a template's context names a child view ({% live_render view ... %}):
    # Django's templates must not call (instantiate) it.
    do_not_call_in_templates = True
    _kin: Kin | None = None
    _placement: Placement | None = None
    # What each {% live_render %} rendered, by its arguments: a re-render of the
    # parent gives the client the same container, so no diff carries it again.
    _child_html: dict[Any, str] | None = None
    # The dead render's children, rendered once the parent's HTML is (django/nested.py).
    _deferred: list[tuple[str, Any]] | None = None

    @property
    def parent_view(self) -> ViewRef | None:
        """The view whose template rendered this one; None for a page's own view."""
        placement = self._placement
        if placement is None or not placement.parent_id:
            return None
        return ViewRef(self._kin, placement.parent_id)

    def child_view(self, element_id: str) -> ViewRef:
        """The child rendered with ``{% live_render ... id=element_id %}``."""
        return ViewRef(self._kin, element_id)

    # -- what the runtime sets (the dead render and the live session) -------------

    def place(self, placement: Placement, kin: Kin | None = None) -> None:
        object.__setattr__(self, "_placement", placement)
        object.__setattr__(self, "_kin", kin)

    @property
    def placement(self) -> Placement | None:
        return self._placement

    def defer_child(self, marker: str, child: Any) -> None:
        if self._deferred is None:
            object.__setattr__(self, "_deferred", [])
        assert self._deferred is not None
        self._deferred.append((marker, child))

    def take_deferred(self) -> list[tuple[str, Any]]:
        deferred = self._deferred or []
        object.__setattr__(self, "_deferred", None)
        return deferred

    def child_html(self, key: Any, build: Callable[[], str]) -> str:
        """The container a ``{% live_render %}`` with these arguments rendered, built once."""
        cache = self._child_html
        if cache is None:
            cache = {}
            object.__setattr__(self, "_child_html", cache)
        found = cache.get(key)
        if found is None:
            if len(cache) >= CHILD_HTML_KEPT:
                cache.clear()  # a page cycling through child ids: keep only the recent ones
            found = cache[key] = build()
        return found
