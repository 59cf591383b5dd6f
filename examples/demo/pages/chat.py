"""The chat room: messages through the ORM and pub/sub, presence, a typing indicator."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest

from pages.models import Message
from tether import LiveView, event
from tether.presence import REF_KEY, PresenceDiff, get_presence

MAX_LENGTH = 2000
HISTORY = 50
TYPING_FOR = 3.0


class Chat(LiveView):
    template_name = "pages/chat.html"

    async def mount(self, request: HttpRequest, room: str = "lobby", **kwargs: Any) -> None:
        self.room = room
        self.page_title = f"#{room}"
        user = request.user
        self.name = user.get_username() if user.is_authenticated else _guest_name()
        self.error = ""
        self.draft = ""
        self.typing: list[str] = []
        recent = Message.objects.filter(room=room).order_by("-id")[:HISTORY]
        self.messages = [_row(m) async for m in recent][::-1]
        self.present: dict[str, set[str]] = {}
        if self.connected:
            await self.subscribe(self.topic)
            await self.track(self.topic, self.name, {"name": self.name})
            listing = await get_presence().list(self.topic)
            self.present = {
                key: {m[REF_KEY] for m in metas} for key, metas in sorted(listing.items())
            }

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
        await self.broadcast(self.topic, ("message", _row(message)))

    @event
    async def typing_changed(self, form: Any) -> None:
        self.draft = str(form.get("body", ""))
        if self.draft:
            await self.broadcast_from(self.topic, ("typing", self.name))

    async def handle_info(self, message: Any) -> None:
        if isinstance(message, PresenceDiff):
            # Sets of refs (one per tab) make joins and leaves idempotent: our own
            # join arrives after we already listed ourselves.
            present = {key: set(refs) for key, refs in self.present.items()}
            for key, metas in message.joins.items():
                present.setdefault(key, set()).update(m[REF_KEY] for m in metas)
            for key, metas in message.leaves.items():
                present.get(key, set()).difference_update(m[REF_KEY] for m in metas)
            self.present = {key: refs for key, refs in sorted(present.items()) if refs}
        elif message[0] == "message":
            row = message[1]
            self.messages = [*self.messages, row][-HISTORY:]
            if row["author"] in self.typing:
                self.typing = [n for n in self.typing if n != row["author"]]
        elif message[0] == "typing":
            if message[1] not in self.typing:
                self.typing = [*self.typing, message[1]]
            self.send_after(TYPING_FOR, ("stopped", message[1]))
        elif message[0] == "stopped" and message[1] in self.typing:
            self.typing = [n for n in self.typing if n != message[1]]


def _row(message: Message) -> dict[str, Any]:
    return {"id": message.pk, "author": message.author, "body": message.body}


def _guest_name() -> str:
    return "guest-" + secrets.token_hex(2)
