"""Child views in tests: ``live.child("sidebar")``, driven like the page.

The browser joins a child view (``{% live_render %}``) on its own topic over
the page's socket, with the session token of the child's container and no
URL. ``open_child`` does the same: it reads the container from the parent's
live HTML and joins ``lv:<id>`` on the parent's socket (``ChildChannel``), so
parent and child reach each other as they do in a browser. The child it
returns is a ``LiveViewTest``: ``click``, ``html``, ``has_element``...
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tether import protocol
from tether.errors import LiveTestError, SocketClosed, ViewCrashed
from tether.testing import pushes
from tether.testing.channel import Channel, OnFrame
from tether.testing.page import DeadPage
from tether.testing.view import LiveViewTest


class ChildChannel(Channel):
    """A child view's topic on its parent's socket: the parent's channel reads its frames."""

    def __init__(self, parent: Channel, topic: str, sent: list[str], on_frame: OnFrame) -> None:
        # No reader of its own: the page's reads the socket and routes this topic here.
        self.parent: Channel = parent.parent if isinstance(parent, ChildChannel) else parent
        self.transport = parent.transport
        self.topic = topic
        self.sent = sent
        self.join_ref: str | None = None
        self._refs_sent: set[str] = set()
        self.closed = False  # this topic left; the socket's state is the parent's
        self.others = self.parent.others  # the socket's upload channels: one list
        self.parent.routes[topic] = on_frame

    async def request(self, event: str, payload: Any, *, timeout: float) -> dict[str, Any]:
        ref = self.parent.next_ref()
        if event == protocol.PHX_JOIN:
            self.join_ref = ref
        text = protocol.encode(self.join_ref, ref, self.topic, event, payload)
        return await self.send_on(ref, text, timeout=timeout)

    def next_ref(self) -> str:
        return self.parent.next_ref()

    async def send_on(self, ref: str, frame: str | bytes, *, timeout: float) -> dict[str, Any]:
        if isinstance(frame, str):
            self.sent.append(frame)
        self._refs_sent.add(ref)
        return await self.parent.send_on(ref, frame, timeout=timeout)

    def fail(self, error: Exception, refs: Any = None) -> None:
        self.parent.fail(error, self._refs_sent if refs is None else refs)

    async def close(self) -> None:
        """Stop reading the child's topic (``ChildViewTest.close`` leaves it first)."""
        self.closed = True
        self.parent.routes.pop(self.topic, None)


@dataclass
class ChildViewTest(LiveViewTest):
    """A child view joined over its parent's socket."""

    parent: LiveViewTest | None = None
    sticky: bool = False

    async def connect(self) -> None:
        assert self.parent is not None and self.parent._channel is not None
        self._channel = ChildChannel(self.parent._channel, self.topic, self.sent, self._on_frame)
        await self.join(self.page.url)

    async def join(self, url: str, *, redirect: bool = False) -> None:
        payload = pushes.child_join(self.page, mounts=self._joins, sticky=self.sticky)
        reply = await self._request(protocol.PHX_JOIN, payload)
        response = reply[protocol.REPLY_RESPONSE]
        if reply[protocol.REPLY_STATUS] != protocol.STATUS_OK:
            if response.get(protocol.REASON) == protocol.REASON_JOIN_CRASHED:
                raise ViewCrashed(f"mount crashed: {self._crash_message()}")
            raise LiveTestError(f"join of child {self.topic} refused: {response}")
        self._joins += 1
        self.url = url

    async def rejoin(self) -> None:
        """Join again after a crash, as the browser does: the view mounts afresh
        (or resumes its frozen state)."""
        self._crashed = None
        await self.join(self.url)

    async def reconnect(self) -> None:
        raise LiveTestError("reconnect the page (the parent); then open its children again")

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        channel = self._channel
        if not isinstance(channel, ChildChannel):
            return
        if not channel.parent.closed and self._crashed is None:
            try:
                await channel.request(protocol.PHX_LEAVE, {}, timeout=5.0)
            except (SocketClosed, TimeoutError):
                pass  # the socket went first: nothing to leave
        await channel.close()


async def open_child(parent: LiveViewTest, element_id: str) -> ChildViewTest:
    """Join the child view rendered in ``parent`` with ``{% live_render ... id=element_id %}``."""
    found = parent.soup().select_one(f'[id="{element_id}"][{protocol.ATTR_SESSION}]')
    session = found.get(protocol.ATTR_SESSION) if found is not None else None
    if found is None or not isinstance(session, str) or not session:
        raise LiveTestError(
            f"{parent.topic} shows no child view with id {element_id!r} in:\n{parent.html()}"
        )
    # A child of the dead page joins with the static token of its dead container, as the
    # browser's first join does; one the live page added later has none.
    static = parent.page.statics.get(element_id) or found.get(protocol.ATTR_STATIC)
    page = DeadPage(
        url=parent.url or parent.page.url,
        element_id=element_id,
        session=session,
        static=static if isinstance(static, str) else "",
        csrf=parent.page.csrf,
        title="",
        tracked_static=parent.page.tracked_static,
        statics=parent.page.statics,
    )
    child = ChildViewTest(
        parent.client, page, parent=parent, sticky=found.has_attr(protocol.ATTR_STICKY)
    )
    await child.connect()
    return child
