"""A room whose views assign the same list from each broadcast: shared renders under test.

The room's state lives in this module (``HISTORY``), so a fresh dead render of
any view shows what its live page should. Each broadcast hands every view the
same new list; ``mine`` makes one view's list its own, ``rejoin`` takes the
room's list again, ``star`` changes a message in place.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path

from tether import LiveComponent, LiveView, event

TOPIC = "shared-room"
HISTORY: list[dict[str, Any]] = []


class Stars(LiveComponent):
    template_name = "itest/shared_stars.html"

    def mount(self) -> None:
        self.clicks = 0

    @event
    def star(self) -> None:
        self.clicks += 1


class Room(LiveView):
    template_name = "itest/shared_room.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.me = request.GET.get("me", "anon")
        self.messages = HISTORY
        self.stream("notes", [])
        self.own = False  # True after ``mine``: broadcasts no longer replace the list
        if self.connected:
            await self.subscribe(TOPIC)

    async def handle_info(self, message: Any) -> None:
        kind, value = message
        if kind == "messages" and not self.own:
            self.messages = value
        elif kind == "note":
            self.stream_insert("notes", value)

    @event
    async def mine(self) -> None:
        self.own = True
        self.messages = [m for m in self.messages if m["author"] == self.me]

    @event
    async def rejoin(self) -> None:
        self.own = False
        self.messages = HISTORY

    @event
    async def star(self, params: dict[str, Any]) -> None:
        for m in self.messages:
            if m["id"] == int(params["id"]):
                m["stars"] += 1
        self.mark_changed("messages")


class RoomWithExtras(Room):
    """The same room, with a stream of notes and a live component beside it."""

    template_name = "itest/shared_room_extras.html"


urlpatterns = [
    path("shared-room/", Room.as_view()),
    path("shared-room/extras/", RoomWithExtras.as_view()),
]
