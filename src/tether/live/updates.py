"""What a live session sends after a handler: replies, diffs and navigation.

Every handler of a session ends here. ``_update`` drains what the handler
asked for besides assigns (a patch is followed through ``handle_params``),
renders only what changed and folds navigation into the reply as the client
expects it; ``_push_update`` sends the same as server pushes after
``handle_info``, a load or a ``send_update``, with a broadcast's diff encoded once for every
view that renders the same one (``live/shared.py``).
"""

from __future__ import annotations

from typing import Any

from tether import protocol, telemetry
from tether.component import ComponentLoad, ComponentUpdate
from tether.effects import NavKind
from tether.errors import EventError
from tether.live import components
from tether.live.navigation import nav_payload, settle_params
from tether.live.payloads import event_params
from tether.live.shared import shared_payloads
from tether.live.transport import Transport
from tether.pubsub import Message
from tether.rendering import ViewRenderer
from tether.sync import call
from tether.view import LiveView


class SessionUpdates:
    """The reply half of ``LiveSession``, which provides these attributes."""

    __slots__ = ()

    join_ref: str | None
    topic: str
    transport: Transport
    renderer: ViewRenderer | None
    url: str
    view_cls: type[LiveView]

    async def _event(self, view: LiveView, ref: str | None, payload: Any) -> None:
        if not isinstance(payload, dict) or not isinstance(payload.get(protocol.EVENT_NAME), str):
            raise EventError("malformed event payload")
        kind = payload.get(protocol.EVENT_TYPE)
        value = event_params(kind, payload.get(protocol.VALUE), payload.get(protocol.META))
        view.upload_entries_chosen(payload.get(protocol.UPLOADS))  # files a form chose
        watch = telemetry.stopwatch(telemetry.VIEW_EVENT)
        name = payload[protocol.EVENT_NAME]
        if protocol.CID in payload:
            result = await components.component_event(view, payload[protocol.CID], name, value)
        else:
            result = await call(view.handle_event, name, value)
        watch.lap()
        reply = result if kind == protocol.TYPE_HOOK and isinstance(result, dict) else None
        response = await self._update(view, reply=reply)
        self._reply(ref, protocol.STATUS_OK, response)
        watch.view_done(self.view_cls, response.get(protocol.DIFF_KEY, 0), event_name=name)

    async def _update(self, view: LiveView, reply: dict[str, Any] | None = None) -> dict[str, Any]:
        """After a handler: the reply body, with the diff and any navigation the client expects."""
        effects = view.take_effects()
        nav = effects.navigation
        if nav is not None and nav.kind is NavKind.PATCH:
            self.url, patched = await settle_params(view, self.url, nav.to)  # type: ignore[misc]  # a LiveSession slot
            effects.events += patched.events
            nav = patched.navigation or nav
        assert self.renderer is not None
        diff = await self.renderer.update(
            view, view.pop_changed(), events=effects.events, reply=reply
        )
        response: dict[str, Any] = {protocol.DIFF_KEY: diff} if diff else {}
        if nav is not None:
            response[nav.kind.value] = nav_payload(nav, view.flash)
        return response

    async def _push_update(self, view: LiveView, broadcast: Message | None = None) -> int:
        """After handle_info or a load: push the diff and navigation; returns the diff's length."""
        response = await self._update(view)
        diff = response.get(protocol.DIFF_KEY)
        encoded = shared_payloads.encode(broadcast, diff) if diff else ""
        if encoded:
            self.transport.push(
                protocol.encode_with_payload(
                    self.join_ref, None, self.topic, protocol.DIFF, encoded
                )
            )
        for event in protocol.NAVIGATIONS:
            if event in response:
                self.transport.push(
                    protocol.encode(self.join_ref, None, self.topic, event, response[event])
                )
        return len(encoded)

    async def _async_done(self, view: LiveView, payload: Any) -> None:
        """A load finished: its value to the view, or to the component that started it."""
        name, outcome, assign = payload
        if isinstance(name, ComponentLoad):
            await components.async_done(view, name, outcome, assign)
        elif assign:
            setattr(view, name, outcome)
        else:
            await call(view.handle_async, name, outcome)

    async def _component_update(self, view: LiveView, message: ComponentUpdate) -> None:
        await components.component_update(view, message)
        await self._push_update(view)

    def _reply(self, ref: str | None, status: str, response: Any) -> None:
        self.transport.push(protocol.reply(self.join_ref, ref, self.topic, status, response))
