"""One joined live view on a socket.

A session runs its view's work strictly one item at a time, in arrival
order: the join, client events, patches, ``handle_info`` messages. The view's
state never changes between two ``await``s of someone else's code. The
session starts a runner task only while it has work, so an idle page costs
no task at all.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

from django.http import HttpRequest, QueryDict

from tether import protocol, templates, tokens
from tether.asyncs import AsyncResult
from tether.errors import EventError, InvalidToken, JoinRefused
from tether.live.payloads import event_params
from tether.live.shared import shared_payloads
from tether.pubsub import Message
from tether.rendering import ViewRenderer
from tether.sync import call
from tether.view import DeadHost, Effects, LiveView, Timer

if TYPE_CHECKING:
    from tether.live.owner import Owner

logger = logging.getLogger("tether.session")

MAILBOX_LIMIT = 1000
CLOSED_HOST = DeadHost()
# A rejoining client may beat the old process's write of the frozen state.
REJOIN_STATE_WAIT = 0.5
MAX_PATCHES_PER_STEP = 8


class State(enum.Enum):
    JOINING = "joining"
    JOINED = "joined"
    CLOSED = "closed"


class Transport(Protocol):
    """What a session needs of its socket."""

    owner: Owner

    def push(self, frame: str) -> None: ...

    def session_closed(self, session: LiveSession) -> None: ...

    def overloaded(self, reason: str) -> None: ...


class _Timer:
    __slots__ = ("_cancelled", "_handle", "_session")

    def __init__(self, session: LiveSession) -> None:
        self._session = session
        self._handle: asyncio.TimerHandle | None = None
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True
        session = self._session
        session._timers.pop(self, None)
        handle, self._handle = self._handle, None
        if handle is not None:
            session._soon(session.transport.owner.cancel_timer, handle)


class LiveSession:
    """Binds one LiveView instance to the topic ``lv:<element id>`` of a socket."""

    __slots__ = (
        "_loads",
        "_loop",
        "_mailbox",
        "_presences",
        "_runner",
        "_subscriptions",
        "_timers",
        "connected",
        "element_id",
        "frozen",
        "join_ref",
        "last_active",
        "rendered",
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
        self, transport: Transport, topic: str, join_ref: str | None, scope: dict[str, Any]
    ) -> None:
        self.transport = transport
        self.topic = topic
        self.join_ref = join_ref
        self.scope = scope
        self.view_cls: type[LiveView] = LiveView
        self.request = HttpRequest()
        self.state = State.JOINING
        self.view: LiveView | None = None
        self.renderer: ViewRenderer | None = None
        self.rendered: templates.Rendered | None = None
        self.url = ""
        self.connected = True
        # Small containers: an idle page should cost as little as possible.
        self._mailbox: list[tuple[str, str | None, Any]] = []
        self._runner: asyncio.Task[None] | None = None
        self._timers: dict[_Timer, None] = {}
        self._subscriptions: dict[str, Any] = {}
        self._loads: dict[str, asyncio.Task[None]] = {}
        self._loop = asyncio.get_running_loop()
        self._presences: list[tuple[str, str, dict[str, Any]]] = []
        self.element_id = topic.removeprefix(protocol.LV_TOPIC_PREFIX)
        self.last_active = time.monotonic()
        # Idle-frozen: the view and its rendered tree live in the state store.
        self.frozen = False

    # -- entry points used by the socket -------------------------------------

    def enqueue(self, kind: str, ref: str | None, payload: Any) -> None:
        if self.state is State.CLOSED:
            return
        if len(self._mailbox) >= MAILBOX_LIMIT:
            self.transport.overloaded(f"{self.topic}: more than {MAILBOX_LIMIT} pending events")
            return
        self._mailbox.append((kind, ref, payload))
        if self._runner is None:
            self._runner = self.transport.owner.spawn(self._run(), name=f"tether {self.topic}")

    def deliver(self, message: Any) -> None:
        """A message for ``handle_info`` (timers, ``send``, pub/sub)."""
        self.enqueue("info", None, message)

    async def close(self, *, freeze: bool = False) -> None:
        """Stop the view: cancel its timers, subscriptions and pending work.

        With ``freeze`` (the socket went away, or the server is stopping) the
        view's state goes to the state store first, so a rejoin resumes it.
        """
        if self.state is State.CLOSED:
            return
        if freeze and self.state is State.JOINED and not self.frozen:
            await self._store_frozen()
        elif not freeze and self.frozen:
            await self._discard_frozen()
        joined = self.state is State.JOINED and self.view is not None
        self.state = State.CLOSED
        if joined and self.view is not None:
            await _quietly(call(self.view.terminate), "terminate")
        self._mailbox.clear()
        for timer in list(self._timers):
            timer.cancel()
        self._timers.clear()
        for task in self._loads.values():
            task.cancel()
        self._loads.clear()
        for topic in list(self._subscriptions):
            await self.unsubscribe(topic)
        if self._presences:
            self._presences.clear()
            from tether.presence import get_presence

            await _quietly(get_presence().untrack_owner(self), "untrack")
        runner = self._runner
        if runner is not None and runner is not asyncio.current_task():
            runner.cancel()
        self.transport.session_closed(self)
        # No reference cycle outlives the view: it is freed by reference
        # counting alone, even when the collector has frozen it (see registry).
        view, self.view = self.view, None
        if view is not None:
            object.__setattr__(view, "_host", CLOSED_HOST)
        self.renderer = None
        self.rendered = None

    # -- the Host protocol, seen by the view ---------------------------------

    def _soon(self, fn: Callable[..., object], *args: Any) -> None:
        """Run ``fn`` on the loop: at once there, or from a plain def handler's thread."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            fn(*args)
        else:
            self._loop.call_soon_threadsafe(fn, *args)

    def send(self, message: Any, delay: float = 0.0, *, repeat: bool = False) -> Timer:
        timer = _Timer(self)
        if delay <= 0 and not repeat:
            self._soon(self.deliver, message)
            return timer
        self._timers[timer] = None
        self._soon(self._schedule, timer, message, delay, repeat)
        return timer

    def _schedule(self, timer: _Timer, message: Any, delay: float, repeat: bool) -> None:
        if timer._cancelled or self.state is State.CLOSED:
            return

        def fire() -> None:
            if timer._cancelled or self.state is State.CLOSED:
                return
            self.deliver(message)
            if repeat:
                timer._handle = self.transport.owner.call_later(delay, fire)
            else:
                self._timers.pop(timer, None)

        timer._handle = self.transport.owner.call_later(delay, fire)

    async def subscribe(self, topic: str) -> None:
        if topic in self._subscriptions or self.state is State.CLOSED:
            return
        from tether.pubsub import get_pubsub

        pubsub = get_pubsub()
        await pubsub.start()
        self._subscriptions[topic] = await pubsub.subscribe(topic, self._on_message, owner=self)

    async def unsubscribe(self, topic: str) -> None:
        handle = self._subscriptions.pop(topic, None)
        if handle is not None:
            await handle.unsubscribe()

    async def track(self, topic: str, key: str, meta: dict[str, Any]) -> None:
        from tether.presence import get_presence

        presence = get_presence()
        await presence.start()
        await presence.track(topic, key, meta, owner=self)
        self._presences.append((topic, key, meta))

    def start_async(
        self, name: str, fn: Callable[..., Any], args: tuple[Any, ...], *, assign: bool
    ) -> None:
        self._soon(self._start_load, name, fn, args, assign)

    def _start_load(
        self, name: str, fn: Callable[..., Any], args: tuple[Any, ...], assign: bool
    ) -> None:
        if self.state is State.CLOSED:
            return
        self.cancel_async(name)

        async def load() -> None:
            try:
                outcome = AsyncResult.success(await call(fn, *args))
            except Exception as exc:
                logger.info("%s: load %r failed: %r", self.view_cls.__qualname__, name, exc)
                outcome = AsyncResult.failure(exc)
            self.enqueue("async", None, (name, outcome, assign))

        task = self.transport.owner.spawn(load(), name=f"tether load {name}")
        self._loads[name] = task
        task.add_done_callback(
            lambda t: self._loads.pop(name, None) if self._loads.get(name) is t else None
        )

    def cancel_async(self, name: str) -> bool:
        task = self._loads.pop(name, None)
        if task is None:
            return False
        self._soon(task.cancel)
        return True

    async def broadcast_from(self, topic: str, message: Any) -> None:
        from tether.pubsub import get_pubsub

        pubsub = get_pubsub()
        await pubsub.start()
        await pubsub.broadcast_from(self, topic, message)

    def _on_message(self, message: Any) -> None:
        # The Message itself travels, so that views rendering the same diff for it
        # share one encoded payload (see _push_update).
        self.enqueue("info", None, message)

    # -- the runner ------------------------------------------------------------

    async def _run(self) -> None:
        from tether.conf import setting

        limit = float(setting("HANDLER_TIMEOUT"))
        try:
            while self._mailbox and self.state is not State.CLOSED:
                kind, ref, payload = self._mailbox.pop(0)
                self.last_active = time.monotonic()
                deadline = asyncio.timeout(limit)
                try:
                    if self.frozen and kind != "join":
                        await self._thaw_idle()
                    async with deadline:
                        await self._step(kind, ref, payload)
                except JoinRefused as exc:
                    self._reply(ref, protocol.STATUS_ERROR, exc.response)
                    await self.close()
                except EventError as exc:
                    self._reply(ref, protocol.STATUS_ERROR, {protocol.REASON: str(exc)})
                except TimeoutError:
                    if not deadline.expired():
                        # The handler's own TimeoutError: a crash like any other.
                        await self._crash(traceback.format_exc())
                        continue
                    if ref is not None:
                        self._reply(
                            ref, protocol.STATUS_ERROR, {protocol.REASON: protocol.REASON_TIMEOUT}
                        )
                    await self._crash(f"{kind} handler ran past {limit:g}s")
                except Exception:
                    if kind == "join":
                        self._reply(ref, protocol.STATUS_ERROR, {protocol.REASON: "join crashed"})
                    # As in Phoenix, a crash answers with phx_error, not a reply:
                    # the client rejoins, and the view mounts fresh.
                    await self._crash(traceback.format_exc())
        finally:
            self._runner = None
        if self._mailbox and self.state is not State.CLOSED:
            self._runner = self.transport.owner.spawn(self._run(), name=f"tether {self.topic}")

    async def _step(self, kind: str, ref: str | None, payload: Any) -> None:
        if kind == "join":
            await self._join(ref, payload)
        elif self.state is not State.JOINED:
            return
        elif kind == "event":
            await self._event(ref, payload)
        elif kind == "info":
            assert self.view is not None
            broadcast = payload if isinstance(payload, Message) else None
            await call(self.view.handle_info, payload.payload if broadcast else payload)
            await self._push_update(broadcast)
        elif kind == "async":
            assert self.view is not None
            name, outcome, assign = payload
            if assign:
                setattr(self.view, name, outcome)
            else:
                await call(self.view.handle_async, name, outcome)
            await self._push_update()
        elif kind == "patch":
            url = payload.get(protocol.URL) if isinstance(payload, dict) else None
            if not isinstance(url, str):
                raise EventError("live_patch needs a url")
            await self._params(url)
            self._reply(ref, protocol.STATUS_OK, await self._update_response())

    async def _crash(self, details: str) -> None:
        logger.error("%s (%s) crashed:\n%s", self.view_cls.__qualname__, self.topic, details)
        if self.state is State.CLOSED:
            return
        self.transport.push(
            protocol.encode(self.join_ref, self.join_ref, self.topic, protocol.PHX_ERROR, {})
        )
        await self.close()

    # -- join ------------------------------------------------------------------

    async def _join(self, ref: str | None, payload: Any) -> None:
        if not isinstance(payload, dict):
            raise JoinRefused({protocol.REASON: "malformed join"})
        self.view_cls, self.request = await admit(self.scope, self.topic, payload)
        url = str(payload.get(protocol.URL) or payload.get(protocol.REDIRECT) or self.request.path)
        view = self._new_view()
        view._flash.update(getattr(self.request, "tether_flash", {}))
        view._flash.update(tokens.verify_flash(payload.get(protocol.FLASH)))
        self.renderer = ViewRenderer(self.view_cls, self.request)
        params = payload.get(protocol.PARAMS)
        rejoin = (
            isinstance(params, dict)
            and isinstance(params.get(protocol.MOUNTS_PARAM), int)
            and params[protocol.MOUNTS_PARAM] > 0
        )
        thawed = None
        if "redirect" not in payload:
            thawed = await self._thaw(view, wait=REJOIN_STATE_WAIT if rejoin else 0.0)
        if thawed is not None and thawed.url == url:
            effects = view._effects.drain()
        else:
            if thawed is None:
                kwargs = getattr(self.request, "resolver_match", None)
                await call(view.mount, self.request, **(kwargs.kwargs if kwargs else {}))
            effects = await self._params_settled(url)
        response: dict[str, Any] = {}
        nav = effects.navigation
        if nav is not None and nav.kind == "redirect":
            self._reply(ref, protocol.STATUS_ERROR, {protocol.REDIRECT: self._nav_payload(nav)})
            await self.close()
            return
        if nav is not None and nav.kind == "navigate":
            self._reply(
                ref, protocol.STATUS_ERROR, {protocol.LIVE_REDIRECT: self._nav_payload(nav)}
            )
            await self.close()
            return
        if nav is not None:
            response[protocol.LIVE_PATCH] = self._nav_payload(nav)
        changed = view.pop_changed()
        self.rendered = await self.renderer.render(view)
        rendered = templates.diff(None, self.rendered)
        if "page_title" in changed or "page_title" in view.get_assigns():
            rendered[protocol.TITLE] = str(view.get_assigns().get("page_title", ""))
        if effects.events:
            rendered[protocol.EVENTS] = [[n, p] for n, p in effects.events]
        response[protocol.RENDERED] = rendered
        response[protocol.LIVEVIEW_VERSION_KEY] = protocol.LIVEVIEW_VERSION
        self.state = State.JOINED
        self._reply(ref, protocol.STATUS_OK, response)

    def _new_view(self) -> LiveView:
        view = self.view_cls()
        view.request = self.request
        object.__setattr__(view, "_host", self)
        self.view = view
        return view

    # -- freezing and thawing ----------------------------------------------------

    def _frozen(self) -> bytes | None:
        from tether.django.views import user_id
        from tether.state import FreezeError, Frozen, freeze
        from tether.view import view_path

        view = self.view
        if view is None:
            return None
        state = Frozen(
            view=view_path(self.view_cls),
            element_id=self.element_id,
            user_id=user_id(getattr(self.request, "user", None)),
            url=self.url,
            assigns=view.get_assigns(),
            flash=dict(view._flash),
            topics=list(self._subscriptions),
            presences=list(self._presences),
        )
        try:
            return freeze(state, transient=tuple(self.view_cls.transient))
        except FreezeError as exc:
            logger.warning("not freezing %s: %s", self.topic, exc)
        except Exception as exc:  # flash or presence metas that cannot be pickled
            logger.warning("not freezing %s: %r", self.topic, exc)
        return None

    async def _store_frozen(self) -> bool:
        from tether.state import get_state_store

        blob = self._frozen()
        if blob is None:
            return False
        return await _quietly(get_state_store().put(self.element_id, blob), "freeze")

    async def _discard_frozen(self) -> None:
        from tether.state import get_state_store

        await _quietly(get_state_store().delete(self.element_id), "discard state")

    async def _thaw(self, view: LiveView, *, relink: bool = True, wait: float = 0.0) -> Any:
        """Restore ``view`` from the store, if a valid frozen state waits there.

        ``relink`` re-subscribes the topics and re-tracks the presences (not
        after idling: they stayed). ``wait`` polls a little for a state that
        the previous process may still be writing (a deploy: its sockets close
        before its views are frozen)."""
        from tether.conf import setting
        from tether.django.views import user_id
        from tether.state import ThawRefused, get_state_store, state_ttl, thaw
        from tether.view import view_path

        store = get_state_store()
        deadline = time.monotonic() + wait
        try:
            blob = await store.take(self.element_id)
            while blob is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                blob = await store.take(self.element_id)
        except Exception as exc:
            logger.warning("state store unavailable, mounting %s fresh: %r", self.topic, exc)
            return None
        if blob is None:
            return None
        try:
            state = thaw(
                blob,
                view=view_path(self.view_cls),
                element_id=self.element_id,
                user_id=user_id(getattr(self.request, "user", None)),
                max_age=state_ttl(setting("STATE")),
            )
        except ThawRefused as exc:
            logger.warning("frozen state for %s refused (%s): mounting fresh", self.topic, exc)
            return None
        for name, value in state.assigns.items():
            object.__setattr__(view, name, value)
        view._flash.update(state.flash)
        self.url = state.url
        if relink:
            for topic in state.topics:
                await self.subscribe(topic)
            for topic, key, meta in state.presences:
                await self.track(topic, key, meta)
        await call(view.on_thaw)
        view.pop_changed()
        return state

    async def freeze_idle(self) -> bool:
        """Release an idle view's memory; the next event or message thaws it."""
        if (
            self.state is not State.JOINED
            or self.frozen
            or self._mailbox
            or self._runner is not None
            or self._timers
            or self._loads
        ):
            return False
        if not await self._store_frozen():
            return False
        self.frozen = True
        self.view = None
        self.renderer = None
        self.rendered = None
        return True

    async def _thaw_idle(self) -> None:
        self.frozen = False
        view = self._new_view()
        self.renderer = ViewRenderer(self.view_cls, self.request)
        # The subscriptions and presences stayed while the view was frozen.
        if await self._thaw(view, relink=False) is None:
            self.view = None  # never thawed: nothing of it to terminate
            raise RuntimeError(
                "its idle-frozen state was lost from the store (expired or evicted); "
                "the client rejoins and the view mounts fresh"
            )

    async def _params(self, url: str) -> None:
        assert self.view is not None
        # handle_params always sees an absolute URL, as at the dead render and join.
        url = urljoin(self.url or url, url)
        self.url = url
        query = urlsplit(url).query
        await call(self.view.handle_params, QueryDict(query), url)

    async def _params_settled(self, url: str) -> Effects:
        """Run handle_params, following patches it asks for (bounded)."""
        await self._params(url)
        assert self.view is not None
        effects = self.view._effects.drain()
        for _ in range(MAX_PATCHES_PER_STEP):
            nav = effects.navigation
            if nav is None or nav.kind != "patch":
                break
            events = effects.events
            await self._params(nav.to)
            effects = self.view._effects.drain()
            effects.events = events + effects.events
            if effects.navigation is None:
                effects.navigation = nav
                break
        return effects

    # -- events ------------------------------------------------------------------

    async def _event(self, ref: str | None, payload: Any) -> None:
        assert self.view is not None
        if not isinstance(payload, dict) or not isinstance(payload.get(protocol.EVENT_NAME), str):
            raise EventError("malformed event payload")
        kind = payload.get(protocol.EVENT_TYPE)
        value = event_params(kind, payload.get(protocol.VALUE), payload.get(protocol.META))
        result = await call(self.view.handle_event, payload[protocol.EVENT_NAME], value)
        response = await self._update_response()
        if kind == protocol.TYPE_HOOK and isinstance(result, dict):
            response.setdefault(protocol.DIFF_KEY, {})[protocol.REPLY] = result
        self._reply_encoded(ref, response)

    async def _update_response(self) -> dict[str, Any]:
        """Render what changed, and fold navigation into the reply as the client expects."""
        assert self.view is not None
        effects = self.view._effects.drain()
        nav = effects.navigation
        response: dict[str, Any] = {}
        if nav is not None and nav.kind == "patch":
            patched = await self._params_settled(nav.to)
            effects.events += patched.events
            nav = patched.navigation or nav
        diff = await self._diff(effects)
        if diff:
            response[protocol.DIFF_KEY] = diff
        if nav is not None:
            key = dict(zip(("patch", "navigate", "redirect"), protocol.NAVIGATIONS, strict=True))
            response[key[nav.kind]] = self._nav_payload(nav)
        return response

    async def _diff(self, effects: Effects) -> dict[str, Any]:
        assert self.view is not None and self.renderer is not None
        changed = self.view.pop_changed()
        diff: dict[str, Any] = {}
        if self.rendered is None:
            # Thawed after idling: the client gets the whole tree again.
            new = await self.renderer.render(self.view)
            diff = templates.diff(None, new)
            diff.pop(protocol.REPLY, None)  # at the top level the client reads "r" as a reply
            self.rendered = new
        elif changed:
            new = await self.renderer.render(self.view, self.rendered, changed)
            diff = templates.diff(self.rendered, new)
            self.rendered = new
            if "page_title" in changed:
                diff[protocol.TITLE] = str(self.view.get_assigns().get("page_title", ""))
        if effects.events:
            diff[protocol.EVENTS] = [[n, p] for n, p in effects.events]
        return diff

    async def _push_update(self, broadcast: Message | None = None) -> None:
        """After handle_info: push the diff, then any navigation, as server pushes."""
        response = await self._update_response()
        diff = response.pop(protocol.DIFF_KEY, None)
        if diff:
            encoded = shared_payloads.encode(broadcast, diff)
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

    def _nav_payload(self, nav: Any) -> dict[str, Any]:
        payload: dict[str, Any] = {protocol.TO: nav.to}
        if nav.kind != "redirect":
            payload[protocol.KIND] = protocol.KIND_REPLACE if nav.replace else protocol.KIND_PUSH
        if nav.kind != "patch" and self.view is not None and self.view._flash:
            payload[protocol.FLASH] = tokens.sign_flash(self.view._flash)
        return payload

    # -- replies -------------------------------------------------------------------

    def _reply(self, ref: str | None, status: str, response: Any) -> None:
        self.transport.push(protocol.reply(self.join_ref, ref, self.topic, status, response))

    def _reply_encoded(self, ref: str | None, response: dict[str, Any]) -> None:
        self._reply(ref, protocol.STATUS_OK, response)


SessionFactory = Callable[..., LiveSession]


async def admit(
    scope: dict[str, Any], topic: str, payload: dict[str, Any]
) -> tuple[type[LiveView], HttpRequest]:
    """Check a join: tokens, CSRF, the URL's view, the user and access rules.

    Refusals use the reasons the client acts on: ``stale`` and
    ``unauthorized`` make it reload the page, which renders a fresh view or
    sends the user to log in.
    """
    from django.urls import Resolver404, resolve
    from django.utils.module_loading import import_string

    from tether.conf import setting
    from tether.django import auth

    element_id = topic.removeprefix(protocol.LV_TOPIC_PREFIX)
    max_age = float(setting("TOKEN_MAX_AGE"))
    try:
        token = tokens.verify_session(
            payload.get(protocol.SESSION), element_id=element_id, max_age=max_age
        )
        static = tokens.verify_static(
            payload.get(protocol.STATIC_TOKEN), element_id=element_id, max_age=max_age
        )
    except InvalidToken as exc:
        logger.info("join on %s refused: %s", topic, exc)
        raise JoinRefused({protocol.REASON: protocol.REASON_STALE}) from None
    navigating = protocol.REDIRECT in payload and payload.get(protocol.REDIRECT) is not None
    url = payload.get(protocol.REDIRECT) if navigating else payload.get(protocol.URL)
    if not isinstance(url, str):
        raise JoinRefused({protocol.REASON: protocol.REASON_STALE})
    request = auth.build_request(scope, url)
    await auth.load_session_and_user(request)
    params = payload.get(protocol.PARAMS)
    csrf = params.get(protocol.CSRF_PARAM) if isinstance(params, dict) else None
    if not await auth.csrf_token_valid(request, csrf or scope.get("tether.csrf_token")):
        logger.info("join on %s refused: CSRF token missing or wrong", topic)
        raise JoinRefused({protocol.REASON: protocol.REASON_UNAUTHORIZED})
    try:
        match = resolve(request.path_info)
    except Resolver404:
        raise JoinRefused({protocol.REASON: protocol.REASON_STALE}) from None
    view_cls = getattr(match.func, "view_class", None)
    if not (isinstance(view_cls, type) and issubclass(view_cls, LiveView)):
        # Live navigation to a page that is not live: load it.
        raise JoinRefused({protocol.REDIRECT: {protocol.TO: url}})
    if not navigating and view_cls is not import_string(token.view):
        raise JoinRefused({protocol.REASON: protocol.REASON_STALE})
    from tether.django.views import user_id

    if user_id(request.user) != token.user_id:
        raise JoinRefused({protocol.REASON: protocol.REASON_UNAUTHORIZED})
    match.tried = None  # the patterns tried: only a 404 page needs them
    request.resolver_match = match
    probe = view_cls()
    probe.request = request
    if not probe.has_access(request):
        raise JoinRefused({protocol.REASON: protocol.REASON_UNAUTHORIZED})
    flash = static.get("flash")
    request.tether_flash = flash if isinstance(flash, dict) else {}  # type: ignore[attr-defined]
    return view_cls, request


async def _quietly(awaitable: Any, what: str) -> bool:
    """Best effort on the way out: a dead Redis must not keep a socket from closing."""
    try:
        async with asyncio.timeout(2.0):
            await awaitable
    except Exception as exc:
        logger.warning("%s failed: %r", what, exc)
        return False
    return True
