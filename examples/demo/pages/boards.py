"""Pages built from live components: a board of editable cards, a table of contacts.

Both use the same ``Modal`` component. The board keeps its cards; a card
edits itself and tells the board when it is saved (``send_parent``).
"""

from __future__ import annotations

import itertools
from typing import Any

from django.http import HttpRequest

from tether import LiveView, event
from tether.component_set import live_components

_ids = itertools.count(100)


class CardBoard(LiveView):
    template_name = "pages/components/board.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Cards"
        self.cards = [
            {"id": 1, "title": "Buy milk", "body": "Two litres."},
            {"id": 2, "title": "Call Ada", "body": "About the engine."},
        ]
        self.alive = 0
        self.removed: list[dict[str, Any]] = []

    @event
    def add(self) -> None:
        self.cards = [*self.cards, {"id": next(_ids), "title": "New card", "body": ""}]

    @event
    def remove(self, params: dict[str, Any]) -> None:
        gone = [c for c in self.cards if str(c["id"]) == str(params.get("id"))]
        self.cards = [c for c in self.cards if c not in gone]
        self.removed = [*self.removed, *gone]

    @event
    def undo(self) -> None:
        """The last removed card comes back: as a new component, with no likes."""
        if self.removed:
            *self.removed, card = self.removed
            self.cards = sorted([*self.cards, card], key=lambda c: c["id"])

    @event
    def count(self) -> None:
        """How many components live on the server for this page (the lifecycle, visible)."""
        self.alive = len(live_components(self))

    async def handle_info(self, message: Any) -> None:
        if isinstance(message, tuple) and message[0] == "card_saved":
            _kind, card_id, draft = message
            self.cards = [{**c, **draft} if c["id"] == card_id else c for c in self.cards]


class Contacts(LiveView):
    template_name = "pages/components/contacts.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Contacts"
        self.contacts = [
            {"id": 1, "name": "Ada", "email": "ada@engine.org"},
            {"id": 2, "name": "Grace", "email": "grace@navy.mil"},
            {"id": 3, "name": "Alan", "email": "alan@bletchley.uk"},
        ]

    async def handle_info(self, message: Any) -> None:
        if isinstance(message, tuple) and message[0] == "contact_saved":
            _kind, contact_id, email = message
            self.contacts = [
                {**c, "email": email} if c["id"] == contact_id else c for c in self.contacts
            ]
