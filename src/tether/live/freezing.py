"""A live view's state to the state store and back.

``tether.state`` turns a ``Frozen`` record into signed bytes and back (pure)
and keeps them in a store. This module is the session's side: what goes into
the record (assigns, flash, URL, the topics and presences to relink, the view's
components), when a
store failure is only logged (a dead Redis must never keep a socket from
closing, nor a page from mounting fresh), and how a thawed record is put
back onto a new view instance. Writes go through ``state_writer.py``, in
batches.

A ``PresenceList`` assign is frozen as its topic only (``PresenceOf``), and
thawed as the process's shared list of that topic. Frozen as data, every view
of a room of N people carried all N entries: N x N at a deploy (10,000 chat
pages: 10,000 lists of 10,000), most of the time it took. And a thawed page
must show who is here now, not who was at the freeze.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from tether import telemetry
from tether.component_set import ComponentSet, frozen_components
from tether.conf import setting
from tether.django.views import user_id
from tether.errors import FreezeError, ThawRefused
from tether.live.host import ViewHost
from tether.live.owner import best_effort
from tether.live.state_writer import state_writer
from tether.presence.listing import PresenceList
from tether.state import Frozen, freeze, get_state_store, state_ttl, thaw
from tether.sync import call
from tether.tokens import view_path
from tether.view import LiveView

logger = logging.getLogger("tether.freezing")

# How often a rejoin polls for state the previous process may still be writing.
POLL_EVERY = 0.05


@dataclass(frozen=True, slots=True)
class PresenceOf:
    """A frozen ``PresenceList`` assign: its topic; the thaw shares the current list."""

    topic: str


def _frozen_assigns(view: LiveView) -> dict[str, Any]:
    return {
        name: PresenceOf(value.topic) if isinstance(value, PresenceList) else value
        for name, value in view.get_assigns().items()
    }


def frozen_blob(
    view: LiveView, host: ViewHost, *, element_id: str, request: HttpRequest, url: str
) -> bytes | None:
    """The signed state of ``view``, or None (logged) when it cannot be frozen."""
    view_cls = type(view)
    state = Frozen(
        view=view_path(view_cls),
        element_id=element_id,
        user_id=user_id(getattr(request, "user", None)),
        url=url,
        assigns=_frozen_assigns(view),
        flash=view.flash,
        topics=host.topics,
        presences=host.presences,
        components=frozen_components(view),
    )
    try:
        return freeze(state, transient=tuple(view_cls.transient))
    except FreezeError as exc:
        logger.warning("not freezing %s: %s", element_id, exc)
    except Exception as exc:  # flash or presence metas that cannot be pickled
        logger.warning("not freezing %s: %r", element_id, exc)
    return None


async def store_view(
    view: LiveView, host: ViewHost, *, element_id: str, request: HttpRequest, url: str
) -> bool:
    """Freeze a live ``view`` (idle, checkpointed) now, between two of its steps, into a
    state it really was in; False (logged) when it could not be stored."""
    return await _store(view, host, element_id, request, url, closed=False)


async def store_closed(
    view: LiveView, host: ViewHost, *, element_id: str, request: HttpRequest, url: str
) -> bool:
    """Freeze the ``view`` of a closed session: nothing runs it any more, so its state
    is made when its batch comes up (``state_writer.py``)."""
    return await _store(view, host, element_id, request, url, closed=True)


async def _store(
    view: LiveView, host: ViewHost, element_id: str, request: HttpRequest, url: str, closed: bool
) -> bool:
    watch = telemetry.stopwatch(telemetry.STATE_FREEZE)
    size = 0

    def make() -> bytes | None:
        nonlocal size
        blob = frozen_blob(view, host, element_id=element_id, request=request, url=url)
        size = len(blob or b"")
        return blob

    if closed:
        stored = await state_writer().write(element_id, make)
    else:
        blob = make()
        stored = blob is not None and await store(element_id, blob)
    watch.view_done(type(view), bytes=size, ok=stored)
    return stored


async def store(element_id: str, blob: bytes) -> bool:
    """Queue a made state for the store (``state_writer.py``); False (logged) if lost."""
    return await state_writer().write(element_id, lambda: blob)


async def discard(element_id: str) -> None:
    await best_effort(get_state_store().delete(element_id), "discard state")


async def take(
    view_cls: type[LiveView], element_id: str, request: HttpRequest, *, wait: float = 0.0
) -> Frozen | None:
    """The valid frozen state waiting for this view, element and user, if any.

    ``wait`` polls a little for a state that the previous process may still
    be writing (a deploy: its sockets close before its views are frozen)."""
    store = get_state_store()
    watch = telemetry.stopwatch(telemetry.STATE_THAW)
    deadline = time.monotonic() + wait
    try:
        blob = await store.take(element_id)
        while blob is None and time.monotonic() < deadline:
            await asyncio.sleep(POLL_EVERY)
            blob = await store.take(element_id)
    except Exception as exc:
        logger.warning("state store unavailable, mounting %s fresh: %r", element_id, exc)
        return None
    if blob is None:
        return None
    watch.view_done(view_cls, bytes=len(blob))
    try:
        return thaw(
            blob,
            view=view_path(view_cls),
            element_id=element_id,
            user_id=user_id(getattr(request, "user", None)),
            max_age=state_ttl(setting("STATE")),
        )
    except ThawRefused as exc:
        logger.warning("frozen state for %s refused (%s): mounting fresh", element_id, exc)
        return None


async def thaw_into(
    view: LiveView,
    host: ViewHost,
    element_id: str,
    request: HttpRequest,
    *,
    relink: bool = True,
    wait: float = 0.0,
) -> Frozen | None:
    """Restore a fresh ``view`` from the store, if a valid frozen state waits there.

    ``relink`` re-subscribes the topics and re-tracks the presences (not
    after idling: they stayed). Then ``on_thaw`` rebuilds what was transient."""
    state = await take(type(view), element_id, request, wait=wait)
    if state is None:
        return None
    shared = []
    for name, value in state.assigns.items():
        if isinstance(value, PresenceOf):
            shared.append((name, value.topic))
        else:
            object.__setattr__(view, name, value)
    if state.components is not None:
        object.__setattr__(view, "_components", ComponentSet.thaw(state.components, host))
    view.restore_flash(state.flash)
    if relink:
        await host.relink(state.topics, state.presences)
    for name, topic in shared:
        object.__setattr__(view, name, await view.presence_list(topic))
    await call(view.on_thaw)
    view.pop_changed()
    return state
