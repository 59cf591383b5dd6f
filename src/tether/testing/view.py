"""A joined live view as a test sees it: the page the browser holds, and its actions.

``LiveViewTest`` merges every reply and diff into a ``ClientTree`` in frame
order, follows navigations, and turns ``click``/``change``/``submit``... into the
frames the browser would send for the same element (``pushes``). It reaches its
``LiveClient`` only through ``Browser``, so this module does not import the
client that creates it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from bs4 import BeautifulSoup, Tag

from tether import protocol, tokens
from tether.component import ComponentUpdate
from tether.errors import LiveTestError, SocketClosed, ViewCrashed
from tether.live.registry import registry
from tether.testing import pushes, uploads
from tether.testing.channel import Channel
from tether.testing.dom import describe, field_names
from tether.testing.longpoll import LongPollTransport
from tether.testing.navigation import PAGE_LOAD, Navigating
from tether.testing.page import DeadPage
from tether.testing.transport import LONGPOLL, ClientTransport, Transport, socket_scope
from tether.testing.tree import ClientTree
from tether.testing.waiting import Waiting
from tether.types import ASGIApp, Message


class Browser(Protocol):
    """What a view uses of its ``LiveClient``: the app, the cookie jar, new pages."""

    app: ASGIApp
    base_url: str
    http: httpx.AsyncClient
    transport: str
    connect_params: dict[str, Any]

    def crash_logs(self) -> list[str]: ...

    async def _open(self, path: str, *, flash: str | None = None) -> LiveViewTest: ...

    async def _child(self, parent: LiveViewTest, element_id: str) -> LiveViewTest: ...


@dataclass
class Update:
    """One frame that changed the page: its raw text and its diff."""

    raw: str
    diff: dict[str, Any]


@dataclass
class LiveViewTest(Navigating, Waiting):
    """A joined live view, as a test sees it."""

    client: Browser
    page: DeadPage
    tree: ClientTree = field(default_factory=ClientTree)
    title: str = ""
    url: str = ""
    redirected_to: str | None = None
    redirect_flash: dict[str, str] = field(default_factory=dict)
    patched_to: str | None = None
    pushed_events: list[tuple[str, Any]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    #: The exact text of every frame this view sent, in order (joins included).
    sent: list[str] = field(default_factory=list)
    closed: bool = False
    #: How the page arrived: ``"page load"`` or ``"live navigation"`` (see navigate()).
    arrival: str = PAGE_LOAD
    _transport: ClientTransport | None = None
    _channel: Channel | None = None
    _joins: int = 0
    _touched: dict[str, set[str]] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _crashed: ViewCrashed | None = None
    _join_flash: str | None = None
    _redirect: tuple[str, str | None] | None = None

    @property
    def topic(self) -> str:
        return protocol.LV_TOPIC_PREFIX + self.page.element_id

    # -- connection ---------------------------------------------------------------

    async def connect(self) -> None:
        cookies = dict(self.client.http.cookies.items())
        base_url, csrf = self.client.base_url, self.page.csrf
        transport: ClientTransport
        if self.client.transport == LONGPOLL:
            transport = LongPollTransport(self.client.app, base_url, cookies, csrf)
        else:
            transport = Transport(self.client.app, socket_scope(base_url, cookies, csrf))
        self._transport = transport
        await transport.connect()
        self._channel = Channel(
            self._transport, self.topic, self.sent, self._on_frame, self._on_close
        )
        await self.join(self.page.url)

    async def join(self, url: str, *, redirect: bool = False) -> None:
        self.title = self.page.title
        payload = pushes.join(
            self.page, url, redirect=redirect, mounts=self._joins, flash=self._join_flash
        )
        payload[protocol.PARAMS] = {**self.client.connect_params, **payload[protocol.PARAMS]}
        reply = await self._request(protocol.PHX_JOIN, payload)
        response = reply[protocol.REPLY_RESPONSE]
        if reply[protocol.REPLY_STATUS] != protocol.STATUS_OK:
            for event in (protocol.LIVE_REDIRECT, protocol.REDIRECT):
                if isinstance(response.get(event), dict):
                    self._navigated(event, response[event])
                    return
            if response.get(protocol.REASON) == protocol.REASON_JOIN_CRASHED:
                raise ViewCrashed(f"mount crashed: {self._crash_message()}")
            raise LiveTestError(f"join refused: {response}")
        self._joins += 1
        self.url = url
        if protocol.LIVE_PATCH in response:
            self.patched_to = response[protocol.LIVE_PATCH][protocol.TO]

    async def reconnect(self) -> None:
        """Drop the socket as a network failure would, then reconnect and rejoin,
        as the browser does. A frozen state resumes; otherwise the view mounts fresh."""
        if self._channel is not None:
            await self._channel.close()
        self.closed = False
        self._crashed = None
        await self.connect()

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._channel is not None:
            await self._channel.close()

    def _on_close(self, message: Message) -> None:
        self.closed = True
        self._changed.set()

    def _on_frame(self, event: str, payload: Any, raw: str, answers: bool) -> None:
        if answers:
            response = payload.get(protocol.REPLY_RESPONSE)
            if payload.get(protocol.REPLY_STATUS) == protocol.STATUS_OK and isinstance(
                response, dict
            ):
                if protocol.RENDERED in response:
                    self.tree = ClientTree()
                    self._apply(response[protocol.RENDERED], raw="")
                else:
                    self._apply_response(response, raw)
        elif event == protocol.DIFF:
            self._apply(payload, raw)
        elif event == protocol.PHX_ERROR:
            self._crashed = ViewCrashed(self._crash_message())
            assert self._channel is not None
            self._channel.fail(self._crashed)
        elif event in protocol.NAVIGATIONS:
            self._navigated(event, payload)
        self._changed.set()

    def _crash_message(self) -> str:
        records = self.client.crash_logs()
        logs = "\n".join([r for r in records if self.topic in r][-1:] or records[-3:])
        return f"the view crashed on the server:\n{logs}"

    # -- requests ------------------------------------------------------------------

    async def _request(self, event: str, payload: Any, *, timeout: float = 10.0) -> dict[str, Any]:
        if self.closed or self._channel is None:
            raise SocketClosed("the socket is closed")
        if self._crashed is not None and event != protocol.PHX_JOIN:
            raise ViewCrashed(f"{event!r} sent to a view that crashed before; {self._crashed}")
        return await self._channel.request(event, payload, timeout=timeout)

    async def push(self, kind: str, event: str, value: Any, **extra: Any) -> dict[str, Any]:
        """Send an event of type ``kind``, apply the reply, and return its response.

        The interactions below build the payload the browser would send; this
        is the raw form, for events no element on the page carries."""
        payload = {protocol.EVENT_TYPE: kind, protocol.EVENT_NAME: event, protocol.VALUE: value}
        return await self._send_event({**payload, **extra})

    async def _send_event(self, payload: dict[str, Any]) -> dict[str, Any]:
        reply = await self._request(protocol.EVENT, payload)
        response: dict[str, Any] = reply.get(protocol.REPLY_RESPONSE, {})
        if reply.get(protocol.REPLY_STATUS) != protocol.STATUS_OK:
            raise LiveTestError(f"event {payload[protocol.EVENT_NAME]!r} refused: {response}")
        await self.destroy_removed_components()
        return response

    async def destroy_removed_components(self) -> list[int]:
        """What the browser does once a patch removed components from the page:
        ``cids_will_destroy``, then ``cids_destroyed`` for those still gone, then
        it forgets the cids the server confirms. Runs after every event; call it
        after a pushed diff. Returns the confirmed cids."""
        removed = sorted(set(self.tree.components) - self.tree.shown)
        if not removed:
            return []
        await self._request(protocol.CIDS_WILL_DESTROY, {protocol.CIDS: removed})
        still = [cid for cid in removed if cid not in self.tree.shown]
        if not still:
            return []
        reply = await self._request(protocol.CIDS_DESTROYED, {protocol.CIDS: still})
        gone = reply.get(protocol.REPLY_RESPONSE, {}).get(protocol.CIDS, [])
        self.tree.prune(gone)
        return list(gone)

    def send_update(self, component: Any, id: str, **assigns: Any) -> None:
        """``send_update(component, id=..., **assigns)`` from outside, as the view would."""
        self.send_info(ComponentUpdate(component, str(id), assigns))

    def _apply_response(self, response: dict[str, Any], raw: str) -> None:
        if protocol.DIFF_KEY in response:
            self._apply(response[protocol.DIFF_KEY], raw)
        for event in protocol.NAVIGATIONS:
            if event in response:
                self._navigated(event, response[event])

    def _navigated(self, event: str, payload: dict[str, Any]) -> None:
        if event == protocol.LIVE_PATCH:
            self.patched_to = payload[protocol.TO]
            self.url = payload[protocol.TO]
        else:
            flash = payload.get(protocol.FLASH)
            self.redirected_to = payload[protocol.TO]
            self.redirect_flash = tokens.verify_flash(flash)
            self._redirect = (event, flash if isinstance(flash, str) else None)

    def _apply(self, diff: dict[str, Any], raw: str) -> None:
        diff = dict(diff)
        title = diff.pop(protocol.TITLE, None)
        if isinstance(title, str):
            self.title = title
        for name, payload in diff.pop(protocol.EVENTS, []):
            self.pushed_events.append((name, payload))
        diff.pop(protocol.REPLY, None)
        self.tree.merge(diff)
        self.updates.append(Update(raw, diff))

    # -- reading the page -----------------------------------------------------------------

    def html(self) -> str:
        """The live container's inner HTML, as the browser would hold it."""
        return self.tree.to_html()

    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.html(), "html.parser")

    def element(self, selector: str) -> Tag:
        found = self.soup().select(selector)
        if not found:
            raise LiveTestError(f"selector {selector!r} matches nothing in:\n{self.html()}")
        if len(found) > 1:
            raise LiveTestError(f"selector {selector!r} matches {len(found)} elements, not one")
        return found[0]

    def has_element(self, selector: str, text: str | None = None) -> bool:
        for tag in self.soup().select(selector):
            if text is None or text in tag.get_text():
                return True
        return False

    def text(self, selector: str) -> str:
        return self.element(selector).get_text()

    @property
    def last_frame(self) -> str:
        """The exact text of the last frame that carried a diff."""
        for update in reversed(self.updates):
            if update.raw:
                return update.raw
        return ""

    # -- interactions ------------------------------------------------------------------

    def _binding(self, selector: str, attr: str) -> tuple[Tag, str]:
        tag = self.element(selector)
        name = tag.get(attr)
        if not isinstance(name, str) or not name:
            raise LiveTestError(f"element {describe(tag)} has no {attr} binding")
        return tag, name

    async def _element_event(
        self, kind: str, selector: str, attr: str, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        tag, name = self._binding(selector, attr)
        return await self._send_event(pushes.element_event(kind, tag, name, extra))

    async def click(self, selector: str, value: dict[str, Any] | None = None) -> dict[str, Any]:
        """Click the element: its ``phx-value-*`` (and ``value``), updated with ``value``."""
        return await self._element_event(
            protocol.TYPE_CLICK, selector, protocol.BINDING_CLICK, value
        )

    async def submit(self, selector: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Submit the form with ``data`` typed in; every field counts as touched afterwards."""
        tag, name = self._binding(selector, protocol.BINDING_SUBMIT)
        self._touched.setdefault(selector, set()).update(field_names(tag))
        return await self._send_event(pushes.form_submit(tag, name, data))

    async def change(
        self, selector: str, data: dict[str, Any] | None = None, *, target: str | None = None
    ) -> dict[str, Any]:
        """Type ``data`` into the form; ``target`` (default: the first name typed) is the
        input the browser reports as changed. Fields never typed into go as ``_unused_``."""
        tag, name = self._binding(selector, protocol.BINDING_CHANGE)
        fields = data or {}
        target = target or next(iter(fields), None)
        touched = self._touched.setdefault(selector, set())
        touched.update(fields)
        if target is not None:
            touched.add(target)
        return await self._send_event(pushes.form_change(tag, name, fields, target, touched))

    async def upload(
        self, selector: str, name: str, files: list[uploads.FileSpec], *, timeout: float = 10.0
    ) -> uploads.UploadResult:
        """Choose ``files`` (name, bytes, type) in the form's ``live_file_input`` ``name``
        and send them as the browser does: preflight, binary chunks, progress."""
        form, event = self._binding(selector, protocol.BINDING_CHANGE)
        entries = uploads.client_entries(files)
        await self._send_event(uploads.choose(form, event, name, entries))
        ref = str(uploads.file_input(self.element(selector), name)[protocol.ATTR_UPLOAD_REF])
        assert self._channel is not None
        return await uploads.send_files(
            self._channel, self._request, ref, files, entries, timeout=timeout
        )

    async def keydown(self, selector: str, key: str) -> dict[str, Any]:
        extra = {protocol.KEY: key}
        return await self._element_event(
            protocol.TYPE_KEYDOWN, selector, protocol.BINDING_KEYDOWN, extra
        )

    async def keyup(self, selector: str, key: str) -> dict[str, Any]:
        extra = {protocol.KEY: key}
        return await self._element_event(
            protocol.TYPE_KEYUP, selector, protocol.BINDING_KEYUP, extra
        )

    async def blur(self, selector: str) -> dict[str, Any]:
        return await self._element_event(protocol.TYPE_BLUR, selector, protocol.BINDING_BLUR)

    async def focus(self, selector: str) -> dict[str, Any]:
        return await self._element_event(protocol.TYPE_FOCUS, selector, protocol.BINDING_FOCUS)

    async def hook(self, event: str, value: Any = None) -> Any:
        """A ``pushEvent`` from a client hook; returns the handler's reply, if any."""
        response = await self._send_event(pushes.hook(event, value if value is not None else {}))
        return response.get(protocol.DIFF_KEY, {}).get(protocol.REPLY)

    async def patch(self, path: str) -> None:
        """A live patch (``<.link patch>``): handle_params runs with the new URL."""
        url = self.client.base_url + path if path.startswith("/") else path
        reply = await self._request(protocol.LIVE_PATCH, {protocol.URL: url})
        if reply.get(protocol.REPLY_STATUS) != protocol.STATUS_OK:
            # The browser reloads the page when a patch is refused.
            raise LiveTestError(f"patch to {url!r} refused: {reply.get(protocol.REPLY_RESPONSE)}")
        self.url = url

    async def follow_redirect(self) -> LiveViewTest:
        """Open the page a redirect or live navigation pointed to, with its flash:
        a live navigation hands the flash to the join, a full redirect to a cookie."""
        if self.redirected_to is None or self._redirect is None:
            raise LiveTestError("the view did not redirect")
        event, flash = self._redirect
        if event == protocol.LIVE_REDIRECT and not self.closed:
            return await self.navigate(self.redirected_to, flash=flash)
        await self.close()
        if flash is None or event == protocol.LIVE_REDIRECT:
            return await self.client._open(self.redirected_to, flash=flash)
        self.client.http.cookies.set(protocol.FLASH_COOKIE, flash)
        try:
            return await self.client._open(self.redirected_to)
        finally:
            self.client.http.cookies.delete(protocol.FLASH_COOKIE)

    async def child(self, element_id: str) -> LiveViewTest:
        """Join the child view this page renders with ``{% live_render ... id=element_id %}``."""
        return await self.client._child(self, element_id)

    def send_info(self, message: Any) -> None:
        """Deliver ``message`` to the view's ``handle_info``, as ``send`` would."""
        for socket in registry.sockets:
            session = socket.sessions.get(self.topic)
            if session is not None:
                session.deliver(message)
                return
        raise LiveTestError(f"no live session for {self.topic} in this process")
