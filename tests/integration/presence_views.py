"""A page that shows who is on a topic through a shared ``PresenceList``, and nothing else.

Unlike the demo's chat, its ``on_thaw`` does not fetch the list again: what a
thawed view shows is what freezing kept of it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest
from django.urls import path

from tether import LiveView
from tether.presence.listing import PresenceList

TOPIC = "watchers"


class Watchers(LiveView):
    template_name = "itest/watchers.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.me = request.GET.get("me", "anon")
        self.mounted = secrets.token_hex(4)  # a thawed view keeps it; a new mount does not
        self.present: PresenceList | None = None
        if self.connected:
            await self.subscribe(TOPIC)
            await self.track(TOPIC, self.me)
            self.present = await self.presence_list(TOPIC)

    async def handle_info(self, message: Any) -> None:
        pass  # presence diffs: Tether keeps self.present up to date


urlpatterns = [path("watchers/", Watchers.as_view())]
