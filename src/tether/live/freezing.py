"""A live view's state to the state store and back.

``tether.state`` turns a ``Frozen`` record into signed bytes and back (pure)
and keeps them in a store. This module is the session's side: what goes into
the record (assigns, flash, URL, the topics and presences to relink), when a
store failure is only logged (a dead Redis must never keep a socket from
closing, nor a page from mounting fresh), and how a thawed record is put
back onto a new view instance.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from django.http import HttpRequest

from tether.conf import setting
from tether.django.views import user_id
from tether.errors import FreezeError, ThawRefused
from tether.live.owner import best_effort
from tether.state import Frozen, freeze, get_state_store, state_ttl, thaw
from tether.tokens import view_path
from tether.view import LiveView

logger = logging.getLogger("tether.freezing")

# How often a rejoin polls for state the previous process may still be writing.
POLL_EVERY = 0.05


def frozen_blob(
    view: LiveView,
    *,
    element_id: str,
    request: HttpRequest,
    url: str,
    topics: list[str],
    presences: list[tuple[str, str, dict[str, Any]]],
) -> bytes | None:
    """The signed state of ``view``, or None (logged) when it cannot be frozen."""
    view_cls = type(view)
    state = Frozen(
        view=view_path(view_cls),
        element_id=element_id,
        user_id=user_id(getattr(request, "user", None)),
        url=url,
        assigns=view.get_assigns(),
        flash=view.flash,
        topics=topics,
        presences=presences,
    )
    try:
        return freeze(state, transient=tuple(view_cls.transient))
    except FreezeError as exc:
        logger.warning("not freezing %s: %s", element_id, exc)
    except Exception as exc:  # flash or presence metas that cannot be pickled
        logger.warning("not freezing %s: %r", element_id, exc)
    return None


async def store(element_id: str, blob: bytes) -> bool:
    return await best_effort(get_state_store().put(element_id, blob), "freeze")


async def discard(element_id: str) -> None:
    await best_effort(get_state_store().delete(element_id), "discard state")


async def take(
    view_cls: type[LiveView], element_id: str, request: HttpRequest, *, wait: float = 0.0
) -> Frozen | None:
    """The valid frozen state waiting for this view, element and user, if any.

    ``wait`` polls a little for a state that the previous process may still
    be writing (a deploy: its sockets close before its views are frozen)."""
    store = get_state_store()
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


def restore(view: LiveView, state: Frozen) -> None:
    """Put a thawed state's assigns and flash back onto a fresh instance."""
    for name, value in state.assigns.items():
        object.__setattr__(view, name, value)
    view.restore_flash(state.flash)
