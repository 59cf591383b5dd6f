"""The session's side of live components: their events, messages and destruction.

A view's components live in its ``ComponentSet`` (``tether.component_set``);
this module is what the session does with what the client and the view's
services send them: an event carrying a ``cid`` goes to that component's
``@event`` handler, ``send_update`` queues new assigns for one component,
a component's load reports back to it, and the client's
``cids_will_destroy`` / ``cids_destroyed`` handshake decides when a
component that left the page is deleted. Whatever changed is rendered by the
session's next update, like any handler's work.
"""

from __future__ import annotations

import logging
from typing import Any

from tether import protocol
from tether.asyncs import AsyncResult
from tether.component import ComponentLoad, ComponentUpdate, LiveComponent
from tether.component_set import components_of
from tether.errors import EventError
from tether.sync import call
from tether.view import LiveView

logger = logging.getLogger("tether.components")


def _component(view: LiveView, cid: int) -> LiveComponent | None:
    components = components_of(view)
    entry = components.entries.get(cid) if components is not None else None
    return entry.component if entry is not None else None


async def component_event(view: LiveView, cid: Any, name: str, value: Any) -> Any:
    """Run an event the client targeted at component ``cid``."""
    if not isinstance(cid, int) or isinstance(cid, bool):
        raise EventError(f"malformed cid {cid!r}")
    component = _component(view, cid)
    if component is None:
        # Gone already (the client raced its removal): nothing to run, as in Phoenix.
        logger.info("%s: event %r for component %s, which no longer exists", view, name, cid)
        return None
    return await component.handle_event(name, value)


async def component_update(view: LiveView, message: ComponentUpdate) -> None:
    components = components_of(view)
    if components is None or not components.send_update(message):
        logger.warning(
            "send_update to %s id=%r: no such component on the page", message.component, message.id
        )


async def async_done(
    view: LiveView, name: ComponentLoad, outcome: AsyncResult, assign: bool
) -> None:
    component = _component(view, name.cid)
    if component is None:
        return
    if assign:
        setattr(component, name.load, outcome)
    else:
        await call(component.handle_async, name.load, outcome)


def cids_reply(view: LiveView, event: str, payload: Any) -> dict[str, Any]:
    """The answer to ``cids_will_destroy`` (mark) or ``cids_destroyed`` (delete)."""
    raw = payload.get(protocol.CIDS) if isinstance(payload, dict) else None
    if not isinstance(raw, list) or not all(isinstance(c, int) for c in raw):
        raise EventError(f"{event} needs a list of cids")
    components = components_of(view)
    if event == protocol.CIDS_WILL_DESTROY:
        if components is not None:
            components.will_destroy(raw)
        return {}
    gone = components.destroyed(raw) if components is not None else list(raw)
    return {protocol.CIDS: gone}
