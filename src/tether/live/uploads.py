"""The upload channels of one connection: binary chunks into temporary files.

After a preflight (``allow_upload`` on the view's topic, answered by
``tether.uploads`` with one signed token per entry) the client joins
``lvu:<entry ref>`` with that token and sends the file as binary pushes of
``chunk`` events, one at a time, each answered before the next is read. Here:

- a join is checked (signature, this connection, the entry's topic, the
  view still holding a valid, preflighted entry that no channel took yet:
  a token works once) and bounded (``UPLOADS["MAX_CHANNELS"]`` at once,
  ``UPLOADS["MAX_SOCKET_BYTES"]`` of files not yet consumed);
- each chunk goes straight from the frame to a temporary file, so memory
  stays flat whatever the file's size; a chunk over the upload's
  ``chunk_size``, or bytes past the size the client declared, stop the
  upload and remove the partial file;
- the file is complete when its declared size has arrived. The client then
  reports progress 100 on the view's topic (``progress_step``), and the view
  consumes the file (``tether.uploads``), which discards it here.

Every temporary file belongs to its view's topic: when the view goes away
(left, crashed, replaced, or its socket closed) its files are removed
(``view_closed``), and ``close`` removes what the connection still holds.
``discard`` may come from a plain ``def`` handler in a worker thread, so it
hops to the loop before touching the channel.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import tempfile
from typing import IO, TYPE_CHECKING, Any

from tether import protocol, telemetry, tokens
from tether.conf import setting
from tether.errors import EventError, InvalidToken
from tether.live.owner import Owner
from tether.protocol import Mailbox
from tether.sync import call
from tether.upload_config import UploadConfig, UploadEntry
from tether.uploads import Uploads

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from tether.live.updates import SessionUpdates
    from tether.view import LiveView

logger = logging.getLogger("tether.uploads")

#: The mailbox kinds a session hands to ``upload_step``.
STEPS = (Mailbox.ALLOW_UPLOAD, Mailbox.PROGRESS)
TEMP_PREFIX = "tether-upload-"


class ReceivedFile:
    """One entry's bytes on disk, and the channel that brings them."""

    __slots__ = (
        "_file",
        "_timer",
        "channels",
        "chunk_size",
        "complete",
        "entry",
        "join_ref",
        "path",
        "size",
        "timeout",
        "topic",
        "view_topic",
        "written",
    )

    def __init__(
        self,
        channels: UploadChannels,
        topic: str,
        view_topic: str,
        join_ref: str | None,
        entry: UploadEntry,
        config: UploadConfig,
    ) -> None:
        directory = setting("UPLOADS")["TEMP_DIR"]
        fd, self.path = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=directory)
        self._file: IO[bytes] | None = os.fdopen(fd, "wb", buffering=0)
        self._timer: asyncio.TimerHandle | None = None
        self.channels = channels
        self.topic, self.view_topic, self.join_ref = topic, view_topic, join_ref
        self.entry = entry
        self.size = entry.client_size
        self.chunk_size = config.chunk_size
        self.timeout = config.chunk_timeout
        self.written = 0
        self.complete = False

    def write(self, data: memoryview) -> str | None:
        """Write one chunk; the reason it is refused, or None."""
        if self._file is None:
            return protocol.REASON_DISALLOWED
        if len(data) > self.chunk_size:
            return protocol.REASON_CHUNK_TOO_LARGE
        if self.written + len(data) > self.size:
            return protocol.REASON_FILE_SIZE_LIMIT
        self._file.write(data)  # a page-cache write of one chunk: no reason to leave the loop
        self.written += len(data)
        if self.written == self.size:
            self._file.close()
            self._file = None
            self.complete = True
        return None

    def discard(self) -> None:
        """Stop the upload and remove the file; from any thread."""
        loop = self.channels.loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is None or running is loop or loop.is_closed():
            self.channels.forget(self)
        else:
            loop.call_soon_threadsafe(self.channels.forget, self)

    def remove(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._file is not None:
            self._file.close()
            self._file = None
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        except OSError:
            logger.warning("could not remove upload file %s", self.path, exc_info=True)


class UploadChannels:
    """The upload channels and temporary files of one connection."""

    __slots__ = ("_push", "files", "loop", "owner", "socket_id", "topics")

    def __init__(self, owner: Owner, push: Callable[[str], None]) -> None:
        self.owner = owner
        self._push = push
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop of the first join
        # A token names the connection it was signed for: no other may use it.
        self.socket_id = secrets.token_urlsafe(12)
        self.topics: dict[str, ReceivedFile] = {}  # joined channels, by lvu topic
        self.files: dict[ReceivedFile, None] = {}  # every file still held, complete or not

    def signer(self, element_id: str) -> Callable[[str, str], str]:
        def sign(config_ref: str, entry_ref: str) -> str:
            token = tokens.UploadToken(self.socket_id, element_id, config_ref, entry_ref)
            return tokens.sign_upload(token)

        return sign

    # -- frames ------------------------------------------------------------------------

    def join(
        self,
        join_ref: str | None,
        ref: str | None,
        topic: str,
        payload: Any,
        sessions: Mapping[str, Any],
    ) -> None:
        entry_ref = topic.removeprefix(protocol.LVU_TOPIC_PREFIX)
        limits = setting("UPLOADS")
        try:
            token = tokens.verify_upload(
                payload.get(protocol.UPLOAD_TOKEN) if isinstance(payload, dict) else None,
                socket=self.socket_id,
                entry_ref=entry_ref,
                max_age=float(limits["TOKEN_MAX_AGE"]),
            )
        except InvalidToken as exc:
            logger.info("upload join on %s refused: %s", topic, exc)
            return self._refuse(join_ref, ref, topic, protocol.REASON_INVALID_TOKEN)
        session = sessions.get(protocol.LV_TOPIC_PREFIX + token.element_id)
        view = getattr(session, "view", None)
        uploads = view.__dict__.get("uploads") if view is not None else None
        config = uploads.by_ref(token.config_ref) if isinstance(uploads, Uploads) else None
        entry = config.entry(entry_ref) if config is not None else None
        if session is None or entry is None or config is None:
            return self._refuse(join_ref, ref, topic, protocol.REASON_DISALLOWED)
        if not (entry.valid and entry.preflighted) or entry.done:
            return self._refuse(join_ref, ref, topic, protocol.REASON_DISALLOWED)
        if entry.received is not None or topic in self.topics:
            return self._refuse(join_ref, ref, topic, protocol.REASON_ALREADY_REGISTERED)
        held = sum(f.size for f in self.files)
        if len(self.topics) >= int(limits["MAX_CHANNELS"]) or held + entry.client_size > int(
            limits["MAX_SOCKET_BYTES"]
        ):
            return self._refuse(join_ref, ref, topic, protocol.REASON_TOO_MANY_UPLOADS)
        self.loop = asyncio.get_running_loop()
        received = ReceivedFile(self, topic, session.topic, join_ref, entry, config)
        entry.received = received
        self.topics[topic] = received
        self.files[received] = None
        self._arm(received)
        self._push(protocol.reply(join_ref, ref, topic, protocol.STATUS_OK, {}))

    def chunk(self, join_ref: str | None, ref: str | None, topic: str, data: memoryview) -> None:
        """A ``chunk`` push on ``topic``: written, or refused with the reason."""
        received = self.topics.get(topic)
        if received is None or received.join_ref != join_ref:
            # Cancelled or finished meanwhile: a chunk may have been on its way.
            self._refuse(join_ref, ref, topic, protocol.REASON_UNMATCHED_TOPIC)
            return
        reason = received.write(data)
        if reason is not None:
            limit = (
                {protocol.UPLOAD_LIMIT: received.size}
                if reason == protocol.REASON_FILE_SIZE_LIMIT
                else {}
            )
            self._refuse(join_ref, ref, topic, reason, limit)
            self.forget(received)
            return
        if received.complete:
            self._disarm(received)
        else:
            self._arm(received)
        self._push(protocol.reply(join_ref, ref, topic, protocol.STATUS_OK, {}))

    def leave(self, join_ref: str | None, ref: str | None, topic: str) -> None:
        received = self.topics.get(topic)
        self._push(protocol.reply(join_ref, ref, topic, protocol.STATUS_OK, {}))
        if received is not None and not received.complete:
            self.forget(received)

    # -- lifetimes -----------------------------------------------------------------------

    def forget(self, received: ReceivedFile) -> None:
        """Close the channel (if open) and remove the file: consumed, cancelled, failed."""
        received.remove()
        self.files.pop(received, None)
        if self.topics.get(received.topic) is received:
            del self.topics[received.topic]
            self._push(
                protocol.encode(
                    received.join_ref, received.join_ref, received.topic, protocol.PHX_CLOSE, {}
                )
            )

    def view_closed(self, view_topic: str) -> None:
        for received in [f for f in self.files if f.view_topic == view_topic]:
            self.forget(received)

    def close(self) -> None:
        for received in list(self.files):
            received.remove()
        self.files.clear()
        self.topics.clear()

    # -- helpers -----------------------------------------------------------------------

    def _arm(self, received: ReceivedFile) -> None:
        self._disarm(received)
        if not self.owner.closed:
            received._timer = self.owner.call_later(
                received.timeout, lambda: self._stalled(received)
            )

    def _disarm(self, received: ReceivedFile) -> None:
        if received._timer is not None:
            self.owner.cancel_timer(received._timer)
            received._timer = None

    def _stalled(self, received: ReceivedFile) -> None:
        received._timer = None
        if not received.complete:
            logger.info("upload on %s stalled; dropped", received.topic)
            self.forget(received)

    def _refuse(
        self,
        join_ref: str | None,
        ref: str | None,
        topic: str,
        reason: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        body = {protocol.REASON: reason, **(extra or {})}
        self._push(protocol.reply(join_ref, ref, topic, protocol.STATUS_ERROR, body))


def uploads_of(transport: object) -> UploadChannels:
    # The session's connection (``live/channels.py``) makes these at its first upload.
    found = getattr(transport, "uploads", None)
    if not isinstance(found, UploadChannels):
        raise EventError("this connection carries no uploads")
    return found


async def upload_step(
    session: SessionUpdates,
    view: LiveView,
    kind: Mailbox,
    ref: str | None,
    payload: Any,
) -> None:
    """A preflight or a progress report, run as one step of the view's session."""
    if kind is Mailbox.ALLOW_UPLOAD:
        sign = uploads_of(session.transport).signer(
            session.topic.removeprefix(protocol.LV_TOPIC_PREFIX)
        )
        reply = view.upload_preflight(payload, sign)
        reply.update(await session._update(view))
        session._reply(ref, protocol.STATUS_OK, reply)
        return
    progressed = view.upload_progress(payload)
    if progressed is not None:
        config, entry = progressed
        if telemetry.enabled(telemetry.UPLOAD_PROGRESS):
            telemetry.emit(
                telemetry.UPLOAD_PROGRESS,
                telemetry.upload_data(type(view), config.name, entry.progress, entry.client_size),
            )
        callback = view.upload_callback(config)
        if callback is not None:
            await call(callback, config.name, entry)
    session._reply(ref, protocol.STATUS_OK, await session._update(view))
