"""Child live views on a connection: their admission, their place, their end.

A child view (``{% live_render %}``, ``django/nested.py``) is joined by the
client on a topic of its own, ``lv:<its id>``, as a session like any other:
its own mailbox, state and crashes. What makes it a child:

- **admission**: its join carries no URL. Its session token
  (``tokens.ChildToken``) names the view class, the container id, the parent,
  the user and browser it was rendered for, the page's URL and the ``session``
  handed to ``mount``; the join is checked against those, the CSRF token and
  the view's access rules, as a page's join is against its URL.
- **its place**: the session's ``element_id`` becomes the token's key
  (``<parent key>/<id>``), so a child's frozen state is its own even where
  another tab shows a child of the same id, and a resumed page finds it.
- **its end**: a parent that ends by itself (a crash, a refused join) or
  leaves takes its non-sticky children with it, as a linked process would.
  A parent replaced by a rejoin, or frozen with its connection, does not:
  the children are frozen (or rejoined) on their own. A sticky child is
  nobody's to end: live navigation leaves it running.

Parent and child talk through ``Relatives``: ``view.parent_view.send(msg)`` and
``view.child_view(id).send(msg)`` put ``msg`` in the other session's mailbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

from tether import protocol, tokens
from tether.django.views import user_id
from tether.errors import JoinRefused
from tether.family import Placement
from tether.live.join import Admission, admit, browser_request, connect_params, page_tokens
from tether.view import LiveView

if TYPE_CHECKING:
    from tether.live.session import LiveSession

logger = logging.getLogger("tether.children")


def is_child_join(payload: Any) -> bool:
    """A child's join names no URL: not the page's, not a navigation's."""
    return (
        isinstance(payload, dict)
        and payload.get(protocol.URL) is None
        and payload.get(protocol.REDIRECT) is None
    )


def _refuse(reason: str) -> JoinRefused:
    return JoinRefused({protocol.REASON: reason})


async def admit_view(session: LiveSession, payload: Any) -> Admission:
    """Admit a page's join (``live/join.py``) or a child's (here)."""
    if not is_child_join(payload):
        return await admit(session.scope, session.topic, payload)
    token, static = page_tokens(session.topic, payload, tokens.verify_child)
    request = await browser_request(session.scope, session.topic, token.url, payload, token.browser)
    if user_id(request.user) != token.user_id:
        raise _refuse(protocol.REASON_UNAUTHORIZED)
    view_cls = import_string(token.view)  # signed by us: names a class we rendered
    if not (isinstance(view_cls, type) and issubclass(view_cls, LiveView)):
        raise _refuse(protocol.REASON_STALE)
    probe = view_cls()
    probe.request = request
    if not probe.has_access(request):
        raise _refuse(protocol.REASON_UNAUTHORIZED)
    session.child = token
    session.element_id = token.key
    flash = static.get(protocol.FLASH)
    return Admission(
        view_cls=view_cls,
        request=request,
        url=token.url,
        navigating=False,
        flash=flash if isinstance(flash, dict) else {},
        connect_params=connect_params(payload),
    )


def mount_kwargs(session: LiveSession) -> dict[str, Any]:
    """A child mounts with its ``session``; a page with its URL's keyword arguments."""
    if session.child is not None:
        return dict(session.child.session)
    match = session.request.resolver_match
    return dict(match.kwargs) if match else {}


class Relatives:
    """What a view's ``parent_view`` and ``child_view(id)`` reach: its connection's views."""

    __slots__ = ("_loop", "_transport")

    def __init__(self, transport: Any) -> None:
        self._transport = transport
        self._loop = asyncio.get_running_loop()

    def deliver_to(self, element_id: str, message: Any) -> bool:
        sessions = getattr(self._transport, "sessions", None) or {}
        target = sessions.get(protocol.LV_TOPIC_PREFIX + element_id)
        if target is None:
            return False
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            target.deliver(message)
        else:  # from a plain def handler, in a worker thread: the mailbox is the loop's
            self._loop.call_soon_threadsafe(target.deliver, message)
        return True


def adopt(session: LiveSession, view: LiveView) -> None:
    """Tell a new view where it renders, and how to reach its relatives."""
    child = session.child
    placement = Placement(
        session.topic.removeprefix(protocol.LV_TOPIC_PREFIX),
        session.element_id,
        child.parent_id if child is not None else "",
        user_id(getattr(session.request, "user", None)),
        tokens.browser_key(session.request.META.get("CSRF_COOKIE") or ""),
    )
    view.place(placement, Relatives(session.transport))


def orphans(sessions: Iterable[LiveSession], parent: LiveSession) -> list[LiveSession]:
    """The non-sticky children of ``parent``: they end with it."""
    parent_id = parent.topic.removeprefix(protocol.LV_TOPIC_PREFIX)
    return [
        session
        for session in sessions
        if session.child is not None
        and not session.child.sticky
        and session.child.parent_id == parent_id
        and session is not parent
    ]
