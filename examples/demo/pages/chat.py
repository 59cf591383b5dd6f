"""The chat room: messages through the ORM and pub/sub, presence, a typing indicator.

The history is a stream: the view sends the last ``history`` messages once and
then only each new one, capped on the client with ``limit=-history``; an open
room holds no messages in memory, however long its history.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any

from django.http import HttpRequest

from pages.models import Message
from tether import LiveView, event
from tether.presence import PresenceDiff
from tether.presence.listing import PresenceList
from tether.pubsub import PubSubError

MAX_LENGTH = 2000
HISTORY = 50
TYPING_FOR = 3.0
DELIVERY_DOWN = "Live delivery is down right now: your message is saved, and others see it later."


class Chat(LiveView):
    template_name = "pages/chat.html"
    #: Messages shown: the last ones when the room opens, and the cap on the client after.
    history = HISTORY

    async def mount(self, request: HttpRequest, room: str = "lobby", **kwargs: Any) -> None:
        self.room = room
        self.page_title = f"#{room}"
        user = request.user
        self.name = user.get_username() if user.is_authenticated else _guest_name()
        self.error = ""
        self.draft = ""
        self.typing: list[str] = []
        await self._load_history()
        self.present: PresenceList | None = None
        if self.connected:
            await self.subscribe(self.topic)
            await self._be_present()

    async def _be_present(self) -> None:
        try:
            await self.track(self.topic, self.name, {"name": self.name})
            # One list per room per process, shared by every view of the room,
            # and kept up to date from the room's presence diffs by Tether.
            self.present = await self.presence_list(self.topic)
        except PubSubError:
            # Redis is down: the room still works here, without live delivery.
            self.error = DELIVERY_DOWN

    async def _load_history(self, *, reset: bool = False) -> None:
        recent = Message.objects.filter(room=self.room).order_by("-id")[: self.history]
        rows = [_row(m) async for m in recent][::-1]
        self.stream("messages", rows, limit=-self.history, reset=reset)

    async def on_thaw(self) -> None:
        # Streams are not frozen. The page still shows the messages it had, and
        # some may have arrived while the view was frozen: one reset from the
        # database shows the last messages again, none doubled, none missing.
        await self._load_history(reset=True)
        if self.present is not None:  # who is here now, not who was at the freeze
            self.present = await self.presence_list(self.topic)

    @property
    def topic(self) -> str:
        return f"chat:{self.room}"

    @event
    async def send(self, form: Any) -> None:
        body = str(form.get("body", ""))
        if not body.strip():
            self.error = "Write something first."
            self.draft = body
            return
        if len(body) > MAX_LENGTH:
            self.error = f"Messages are limited to {MAX_LENGTH:,} characters ({len(body):,} now)."
            self.draft = body
            return
        message = await Message.objects.acreate(room=self.room, author=self.name, body=body)
        self.error = ""
        self.draft = ""
        try:
            await self.broadcast(self.topic, ("message", _row(message)))
        except PubSubError:
            # Stored, so nothing is lost: the others see it when they open the room.
            self.stream_insert("messages", _row(message), limit=-self.history)
            self.error = DELIVERY_DOWN

    @event
    async def typing_changed(self, form: Any) -> None:
        self.draft = str(form.get("body", ""))
        if self.draft:
            with contextlib.suppress(PubSubError):  # a typing hint is not worth an error
                await self.broadcast_from(self.topic, ("typing", self.name))

    async def handle_info(self, message: Any) -> None:
        if isinstance(message, PresenceDiff):
            return  # self.present is already up to date
        if message[0] == "message":
            row = message[1]
            # One new row goes out; the client drops the oldest beyond history.
            self.stream_insert("messages", row, limit=-self.history)
            if row["author"] in self.typing:
                self.typing = [n for n in self.typing if n != row["author"]]
        elif message[0] == "typing":
            if message[1] not in self.typing:
                self.typing = [*self.typing, message[1]]
            self.send_after(TYPING_FOR, ("stopped", message[1]))
        elif message[0] == "stopped" and message[1] in self.typing:
            self.typing = [n for n in self.typing if n != message[1]]


def _row(message: Message) -> dict[str, Any]:
    time = message.created.strftime("%H:%M")  # UTC, as the demo's settings say
    return {"id": message.pk, "author": message.author, "body": message.body, "time": time}


def _guest_name() -> str:
    # A name, not a secret: no call into the OS's random source on the event loop.
    return f"guest-{random.getrandbits(16):04x}"
