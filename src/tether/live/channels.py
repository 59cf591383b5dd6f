"""The Phoenix channel protocol, whatever carries it.

A client multiplexes channels over one connection: heartbeats on
``phoenix``, and one ``lv:<id>`` topic per live view. ``Channels`` routes
decoded frames to the topic's ``LiveSession``, answers what needs no view,
and enforces the per-connection limits: how many views one connection may
hold (``MAX_VIEWS_PER_SOCKET``) and how fast it may send work
(``RATE_LIMIT``). The WebSocket (``live/socket.py``) and any other transport
subclass it and provide ``push`` and ``close``.

A join on a topic that already has a session replaces it, as in Phoenix; the
new join waits until the old session has closed, so a client that rejoins in
a loop holds at most one session per topic, however fast it sends.
"""

from __future__ import annotations

import logging
from typing import Any

from tether import protocol
from tether.conf import setting
from tether.live.children import orphans
from tether.live.owner import Owner
from tether.live.ratelimit import TokenBucket
from tether.live.session import LiveSession
from tether.live.uploads import UploadChannels
from tether.protocol import Mailbox
from tether.types import Scope

logger = logging.getLogger("tether.channels")

_WORK = {
    protocol.EVENT: Mailbox.EVENT,
    protocol.LIVE_PATCH: Mailbox.PATCH,
    protocol.ALLOW_UPLOAD: Mailbox.ALLOW_UPLOAD,
    protocol.PROGRESS: Mailbox.PROGRESS,
}


class Channels:
    """Routes one connection's channel frames to its live sessions."""

    __slots__ = ("_bucket", "_uploads", "owner", "scope", "sessions")

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.owner = Owner()
        self.sessions: dict[str, LiveSession] = {}
        rate = setting("RATE_LIMIT")
        self._bucket = TokenBucket(float(rate["PER_SECOND"]), int(rate["BURST"]))
        self._uploads: UploadChannels | None = None

    @property
    def uploads(self) -> UploadChannels:
        """This connection's upload channels, made at its first upload: most have none."""
        if self._uploads is None:
            self._uploads = UploadChannels(self.owner, self.push)
        return self._uploads

    # -- what a transport provides ----------------------------------------------

    def push(self, frame: str) -> None:
        raise NotImplementedError

    def close(self, code: int = protocol.CLOSE_NORMAL, reason: str = "") -> None:
        raise NotImplementedError

    # -- the Transport protocol, used by sessions -----------------------------------

    def session_closed(self, session: LiveSession) -> None:
        if self.sessions.get(session.topic) is session:
            del self.sessions[session.topic]
            self._end_children(session)  # it ended by itself: crashed, or refused
        if self._uploads is not None:
            self._uploads.view_closed(session.topic)  # its temporary files go with it

    def _end_children(self, parent: LiveSession) -> None:
        """A parent's non-sticky children end with it (``live/children.py``)."""
        for child in orphans(self.sessions.values(), parent):
            del self.sessions[child.topic]
            self._end_children(child)
            self.owner.spawn(child.close())

    def overloaded(self, reason: str) -> None:
        logger.warning("disconnecting a client: %s", reason)
        self.close(protocol.CLOSE_TRY_AGAIN, reason)

    # -- inbound ---------------------------------------------------------------------

    def dispatch(
        self, join_ref: str | None, ref: str | None, topic: str, event: str, payload: Any
    ) -> None:
        if topic == protocol.HEARTBEAT_TOPIC and event == protocol.HEARTBEAT:
            self.push(protocol.reply(None, ref, topic, protocol.STATUS_OK, {}))
            return
        joining = event == protocol.PHX_JOIN and topic.startswith(protocol.LV_TOPIC_PREFIX)
        if (joining or event in _WORK) and not self._bucket.take():
            if self._bucket.flooding:
                self.close(protocol.CLOSE_POLICY, "rate limit exceeded")
            else:
                self._refuse(join_ref, ref, topic, protocol.REASON_RATE_LIMITED)
            return
        if joining:
            self._join(join_ref, ref, topic, payload)
            return
        if topic.startswith(protocol.LVU_TOPIC_PREFIX):
            self._upload_frame(join_ref, ref, topic, event, payload)
            return
        session = self.sessions.get(topic)
        if session is None or (join_ref is not None and join_ref != session.join_ref):
            self._refuse(join_ref, ref, topic, protocol.REASON_UNMATCHED_TOPIC)
            return
        kind = _WORK.get(event)
        if kind is not None:
            session.enqueue(kind, ref, payload)
        elif event == protocol.PHX_LEAVE:
            self.push(protocol.reply(join_ref, ref, topic, protocol.STATUS_OK, {}))
            # As a Phoenix channel does when it ends: the client drops the channel.
            self.push(protocol.encode(join_ref, join_ref, topic, protocol.PHX_CLOSE, {}))
            self.sessions.pop(topic, None)
            self._end_children(session)
            self.owner.spawn(session.close())
        elif event in (protocol.CIDS_WILL_DESTROY, protocol.CIDS_DESTROYED):
            # In order with the view's other work (live/components.py answers).
            session.enqueue(Mailbox.CIDS, ref, (event, payload))
        else:
            self._refuse(join_ref, ref, topic, f"unknown event {event!r}")

    # -- upload channels (live/uploads.py) ----------------------------------------------

    def _upload_frame(
        self, join_ref: str | None, ref: str | None, topic: str, event: str, payload: Any
    ) -> None:
        if event == protocol.PHX_JOIN:
            if self._bucket.take():
                self.uploads.join(join_ref, ref, topic, payload, self.sessions)
            else:
                self._refuse(join_ref, ref, topic, protocol.REASON_RATE_LIMITED)
        elif event == protocol.PHX_LEAVE:
            self.uploads.leave(join_ref, ref, topic)
        else:
            self._refuse(join_ref, ref, topic, protocol.REASON_UNMATCHED_TOPIC)

    def dispatch_binary(
        self, join_ref: str | None, ref: str | None, topic: str, event: str, data: memoryview
    ) -> bool:
        """A binary push: only a chunk on an upload channel; False closes the connection.

        Chunks on a joined channel wait for their reply, so they pace themselves;
        any other costs a token, as a work frame does."""
        if event != protocol.CHUNK or not topic.startswith(protocol.LVU_TOPIC_PREFIX):
            return False
        if topic not in self.uploads.topics and not self._bucket.take():
            if self._bucket.flooding:
                self.close(protocol.CLOSE_POLICY, "rate limit exceeded")
            else:
                self._refuse(join_ref, ref, topic, protocol.REASON_RATE_LIMITED)
            return True
        self.uploads.chunk(join_ref, ref, topic, data)
        return True

    def _refuse(self, join_ref: str | None, ref: str | None, topic: str, reason: str) -> None:
        self.push(
            protocol.reply(join_ref, ref, topic, protocol.STATUS_ERROR, {protocol.REASON: reason})
        )

    def _join(self, join_ref: str | None, ref: str | None, topic: str, payload: Any) -> None:
        previous = self.sessions.pop(topic, None)
        if previous is None and len(self.sessions) >= int(setting("MAX_VIEWS_PER_SOCKET")):
            self._refuse(join_ref, ref, topic, protocol.REASON_TOO_MANY_VIEWS)
            return
        # The old session freezes, and the new join thaws what it held.
        closing = self.owner.spawn(previous.close(freeze=True)) if previous is not None else None
        session = LiveSession(self, topic, join_ref, self.scope, replaces=closing)
        self.sessions[topic] = session
        session.enqueue(Mailbox.JOIN, ref, payload)

    async def close_sessions(self) -> None:
        """The connection is gone: freeze every view, so a reconnect resumes it."""
        sessions = list(self.sessions.values())
        self.sessions.clear()  # each one freezes, its children with it: none ends another
        for session in sessions:
            await session.close(freeze=True)
        if self._uploads is not None:
            self._uploads.close()
