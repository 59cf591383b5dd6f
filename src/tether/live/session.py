"""One joined live view on a socket: a mailbox and an explicit state machine.

A session runs its view's work strictly one item at a time, in arrival
order: the join, client events, patches, ``handle_info`` messages and load
results (``protocol.Mailbox``). The view's state never changes between two
``await``s of someone else's code. Its steps run in a task only while it
has work, shared with the sessions given work in the same turn until one
waits (``live/runners.py``), so an idle page costs no task at all.

Its states are ``live/lifecycle.py``'s; the view's services (timers, topics,
presence, loads) are its ``ViewHost``'s; admission, freezing and navigation
have modules of their own, and the wire is assembled by ``templates.message``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
import traceback
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import SynchronousOnlyOperation
from django.http import HttpRequest

from tether import protocol, telemetry, tokens, watchdog
from tether.component import ComponentUpdate
from tether.conf import setting
from tether.django import activation
from tether.effects import NavKind, checked_url
from tether.errors import EventError, JoinRefused
from tether.live import deadlines, freezing
from tether.live.checkpoints import Outcome, checkpoints
from tether.live.children import admit_view, adopt, mount_kwargs
from tether.live.components import cids_reply
from tether.live.host import ViewHost
from tether.live.inbox import Inbox
from tether.live.join import before_mount
from tether.live.lifecycle import SessionState, transition
from tether.live.navigation import handle_params, nav_payload, settle_params
from tether.live.owner import best_effort
from tether.live.runners import schedule
from tether.live.transport import Transport
from tether.live.updates import SessionUpdates
from tether.live.uploads import STEPS as UPLOAD_STEPS
from tether.live.uploads import upload_step
from tether.presence import PresenceDiff, get_presence, listing
from tether.protocol import Mailbox
from tether.pubsub import Message
from tether.rendering import ViewRenderer
from tether.sync import call
from tether.view import DeadHost, LiveView

logger = logging.getLogger("tether.session")

CLOSED_HOST = DeadHost()
SYNC_ORM_HINT = (
    "Hint: the sync ORM was called from an async def handler; make the handler a plain"
    " def (Tether runs it in a thread), or use the ORM's async API (aget, acreate...)."
)
# A rejoining client may beat the old process's write of the frozen state.
REJOIN_STATE_WAIT = 0.5


class LiveSession(SessionUpdates):
    """Binds one LiveView instance to the topic ``lv:<element id>`` of a socket."""

    __slots__ = (
        "_inbox",
        "_replaces",
        "_runner",
        "child",
        "element_id",
        "host",
        "join_ref",
        "last_active",
        "renderer",
        "request",
        "scope",
        "state",
        "topic",
        "transport",
        "url",
        "view",
        "view_cls",
    )

    def __init__(
        self,
        transport: Transport,
        topic: str,
        join_ref: str | None,
        scope: dict[str, Any],
        *,
        replaces: asyncio.Task[None] | None = None,
    ) -> None:
        self.transport = transport
        self.topic = topic
        self.join_ref = join_ref
        self.scope = scope
        self.element_id = topic.removeprefix(protocol.LV_TOPIC_PREFIX)  # a child's: its key
        self.child: tokens.ChildToken | None = None  # joined as {% live_render %}'s child
        self.view_cls: type[LiveView] = LiveView
        self.request = HttpRequest()
        self.state = SessionState.JOINING
        self.view: LiveView | None = None
        self.host: ViewHost | None = None
        self.renderer: ViewRenderer | None = None
        self.url = ""
        self.last_active = time.monotonic()
        self._inbox = Inbox(int(setting("MAILBOX_LIMIT")), topic)
        # The closing of the session this one replaces on its topic: the join waits for it.
        self._replaces = replaces
        # The task running its steps, or True while queued for one (live/runners.py).
        self._runner: asyncio.Task[None] | Literal[True] | None = None

    def _become(self, state: SessionState) -> None:
        self.state = transition(self.topic, self.state, state)

    # -- entry points used by the socket -------------------------------------

    def enqueue(self, kind: Mailbox, ref: str | None, payload: Any) -> None:
        if self.state is SessionState.CLOSED:
            return
        if not self._inbox.put((kind, ref, payload)):
            self.transport.overloaded(f"{self.topic}: more than {self._inbox.limit} pending")
            return
        if self._runner is None:
            schedule(self)

    def deliver(self, message: Any) -> None:
        """A message for ``handle_info``, as from ``send`` or a topic."""
        self.enqueue(Mailbox.INFO, None, message)

    async def close(self, *, freeze: bool = False) -> None:
        """Stop the view: cancel its timers, subscriptions and pending work.

        With ``freeze`` (the socket went away, or the server is stopping) the
        view's state goes to the state store first, so a rejoin resumes it.
        """
        state = self.state
        if state is SessionState.CLOSED:
            return
        self._become(SessionState.CLOSED)  # first: a second close() returns at once
        if state is not SessionState.JOINING and telemetry.enabled(telemetry.VIEW_LEAVE):
            telemetry.emit(telemetry.VIEW_LEAVE, telemetry.leave_data(self.view_cls, freeze))
        view, host, runner = self.view, self.host, self._runner
        self._inbox.clear()
        try:
            if isinstance(runner, asyncio.Task) and runner is not asyncio.current_task():
                runner.cancel()
                await asyncio.wait([runner])  # a replacing join never runs beside it
            if freeze and state is SessionState.JOINED and view is not None and host is not None:
                await freezing.store_closed(
                    view, host, element_id=self.element_id, request=self.request, url=self.url
                )
            elif not freeze and (state is SessionState.FROZEN or checkpoints.enabled()):
                checkpoints.forget(self)
                await freezing.discard(self.element_id)
            if state is SessionState.JOINED and view is not None:
                await best_effort(call(view.terminate), "terminate")
            if host is not None:
                await host.close()
        finally:
            # Even when cancelled half-way: no reference cycle outlives the view, so
            # it is freed by reference counting alone (see live/collector.py).
            self.view = self.host = self.renderer = None
            if view is not None:
                view.attach(CLOSED_HOST)
                listing.release(view)
            self.transport.session_closed(self)

    async def checkpoint(self) -> Outcome:
        """Freeze to the store, staying live (``live/checkpoints.py``): between steps only."""
        if self.state is not SessionState.JOINED:
            return "skipped"
        if self._runner is not None:
            return "busy"
        return "written" if await self._store_frozen() else "skipped"

    async def freeze_idle(self) -> bool:
        """Release an idle view's memory; the next event or message thaws it."""
        if (
            self.state is not SessionState.JOINED
            or len(self._inbox)
            or self._runner is not None
            or (self.host is not None and self.host.busy)
            or (self.view is not None and self.view.uploads_active())  # files in flight
        ):
            return False
        if not await self._store_frozen():
            return False
        self._become(SessionState.FROZEN)
        if self.view is not None:
            listing.release(self.view)
        self.view = None
        self.renderer = None
        return True

    # -- the runner ------------------------------------------------------------

    def _deliver(self, kind: Mailbox, payload: Any) -> None:
        self.enqueue(kind, None, payload)

    async def _run(self) -> None:
        limit = float(setting("HANDLER_TIMEOUT"))
        task = self._runner  # set by live/runners.py: no current_task() lookup
        assert isinstance(task, asyncio.Task)
        deadlines.watch(limit)
        try:
            while self.state is not SessionState.CLOSED and (item := self._inbox.take()):
                kind, ref, payload = item
                self.last_active = now = time.monotonic()
                step = watchdog.Step(self, kind, payload, now + limit)
                watchdog.publish(task, step)
                try:
                    try:
                        with activation.step(self.request):  # the join's language, time zone...
                            if self.state is SessionState.FROZEN:
                                await self._thaw_idle()
                            await self._step(kind, ref, payload)
                    finally:
                        step.over = True  # what follows (a reply, a crash) has no deadline
                    if checkpoints.enabled() and self.state is SessionState.JOINED:
                        checkpoints.mark(self)
                except asyncio.CancelledError:
                    if not step.expired:
                        raise  # close() cancelled the step
                    task.uncancel()
                    if ref is not None:
                        self._reply(
                            ref, protocol.STATUS_ERROR, {protocol.REASON: protocol.REASON_TIMEOUT}
                        )
                    await self._crash(f"{kind.value} handler ran past {limit:g}s")
                except JoinRefused as exc:
                    self._reply(ref, protocol.STATUS_ERROR, exc.response)
                    await self.close()
                except EventError as exc:
                    logger.info("%s refused %s: %s", self.view_cls.__qualname__, kind.value, exc)
                    self._reply(ref, protocol.STATUS_ERROR, {protocol.REASON: str(exc)})
                except Exception:
                    if kind is Mailbox.JOIN:
                        self._reply(
                            ref,
                            protocol.STATUS_ERROR,
                            {protocol.REASON: protocol.REASON_JOIN_CRASHED},
                        )
                    # As in Phoenix, a crash answers with phx_error, not a reply:
                    # the client rejoins, and the view mounts fresh.
                    await self._crash(traceback.format_exc())
        except asyncio.CancelledError:
            # close() cancelled the step. End quietly: a task ending cancelled keeps the
            # error, whose traceback holds the task: a cycle (live/collector.py).
            return
        finally:
            watchdog.steps.pop(task, None)
            self._runner = None
        if len(self._inbox) and self.state is not SessionState.CLOSED:
            schedule(self)

    async def _step(self, kind: Mailbox, ref: str | None, payload: Any) -> None:
        if kind is Mailbox.JOIN:
            await self._join(ref, payload)
            return
        view = self.view
        if self.state is not SessionState.JOINED or view is None:
            return
        if kind is Mailbox.EVENT:
            await self._event(view, ref, payload)
        elif kind in UPLOAD_STEPS:
            await upload_step(self, view, kind, ref, payload)
        elif kind is Mailbox.INFO and isinstance(payload, ComponentUpdate):
            await self._component_update(view, payload)
        elif kind is Mailbox.INFO:
            broadcast = payload if isinstance(payload, Message) else None
            if broadcast is not None and isinstance(broadcast.payload, PresenceDiff):
                await listing.refresh(view, get_presence(), broadcast.topic, broadcast.payload)
            watch = telemetry.stopwatch(telemetry.VIEW_INFO)
            await call(view.handle_info, broadcast.payload if broadcast else payload)
            watch.lap()
            sent = await self._push_update(view, broadcast)
            watch.view_done(self.view_cls, sent, broadcast=broadcast is not None)
        elif kind is Mailbox.ASYNC:
            await self._async_done(view, payload)
            await self._push_update(view)
        elif kind is Mailbox.CIDS:
            self._reply(ref, protocol.STATUS_OK, cids_reply(view, *payload))
        elif kind is Mailbox.PATCH:
            url = payload.get(protocol.URL) if isinstance(payload, dict) else None
            if not isinstance(url, str):
                raise EventError("live_patch needs a url")
            checked_url(url, self.request)
            self.url = await handle_params(view, self.url, url)
            self._reply(ref, protocol.STATUS_OK, await self._update(view))

    async def _crash(self, details: str) -> None:
        if isinstance(sys.exc_info()[1], SynchronousOnlyOperation):
            details += "\n" + SYNC_ORM_HINT
        logger.error("%s (%s) crashed:\n%s", self.view_cls.__qualname__, self.topic, details)
        if self.state is SessionState.CLOSED:
            return
        if settings.DEBUG:  # the page shows it: tether/debug.js draws an overlay
            step = watchdog.describe_task(asyncio.current_task())
            crash = {"where": ".".join(step) if step else self.view_cls.__qualname__}
            events = {protocol.EVENTS: [[protocol.CRASH_EVENT, {**crash, "details": details}]]}
            self.transport.push(
                protocol.encode(self.join_ref, None, self.topic, protocol.DIFF, events)
            )
        self.transport.push(
            protocol.encode(self.join_ref, self.join_ref, self.topic, protocol.PHX_ERROR, {})
        )
        await self.close()

    # -- join ------------------------------------------------------------------

    async def _join(self, ref: str | None, payload: Any) -> None:
        watch = telemetry.stopwatch(telemetry.VIEW_JOIN)
        closing, self._replaces = self._replaces, None
        if closing is not None:
            await asyncio.wait([closing])  # not cancelled with us: it always finishes
        admission = await admit_view(self, payload)
        self.view_cls, self.request = admission.view_cls, admission.request
        view = self._new_view()
        view.restore_flash(admission.flash)
        view.restore_flash(tokens.verify_flash(payload.get(protocol.FLASH)))
        await before_mount(view, admission)
        thawed = False
        if not admission.navigating:
            params = payload.get(protocol.PARAMS)
            mounts = params.get(protocol.MOUNTS_PARAM) if isinstance(params, dict) else None
            rejoin = isinstance(mounts, int) and mounts > 0
            thawed = await self._thaw(view, wait=REJOIN_STATE_WAIT if rejoin else 0.0)
        if thawed and self.url == admission.url:
            effects = view.take_effects()
        else:
            if not thawed:
                await call(view.mount, self.request, **mount_kwargs(self))
            self.url, effects = await settle_params(view, self.url, admission.url)
        nav = effects.navigation
        if nav is not None and nav.kind is not NavKind.PATCH:
            # Mount sent the user elsewhere: the join fails with where to go.
            self._reply(ref, protocol.STATUS_ERROR, {nav.kind.value: nav_payload(nav, view.flash)})
            await self.close()
            return
        watch.lap()
        changed = view.pop_changed()
        assert self.renderer is not None
        title = None
        if "page_title" in changed or "page_title" in view.get_assigns():
            title = str(view.get_assigns().get("page_title", ""))
        response: dict[str, Any] = {
            protocol.RENDERED: await self.renderer.join(view, title=title, events=effects.events),
            protocol.LIVEVIEW_VERSION_KEY: protocol.LIVEVIEW_VERSION,
        }
        if nav is not None:
            response[protocol.LIVE_PATCH] = nav_payload(nav, view.flash)
        self._become(SessionState.JOINED)
        self._reply(ref, protocol.STATUS_OK, response)
        watch.view_done(self.view_cls, thawed=thawed)

    def _new_view(self) -> LiveView:
        if self.host is None:
            self.host = ViewHost(self.transport.owner, self._deliver, self.view_cls.__qualname__)
        view = self.view_cls()
        view.request = self.request
        view.attach(self.host)
        adopt(self, view)
        self.view = view
        self.renderer = ViewRenderer(self.view_cls, self.request)
        return view

    # -- freezing and thawing ----------------------------------------------------

    async def _store_frozen(self) -> bool:
        if self.view is None or self.host is None:
            return False
        return await freezing.store_view(
            self.view, self.host, element_id=self.element_id, request=self.request, url=self.url
        )

    async def _thaw(self, view: LiveView, *, relink: bool = True, wait: float = 0.0) -> bool:
        assert self.host is not None
        state = await freezing.thaw_into(
            view, self.host, self.element_id, self.request, relink=relink, wait=wait
        )
        self.url = state.url if state is not None else self.url
        return state is not None

    async def _thaw_idle(self) -> None:
        self._become(SessionState.JOINED)
        view = self._new_view()
        # The subscriptions and presences stayed while the view was frozen.
        if not await self._thaw(view, relink=False):
            self.view = None  # never thawed: nothing of it to terminate
            raise RuntimeError(
                "its idle-frozen state was lost from the store (expired or evicted); "
                "the client rejoins and the view mounts fresh"
            )
