"""The demo's live components: an editable card, its like button, a contact row, a modal.

Each is a ``LiveComponent``: its own template, its own state, its own events
(``phx-target="{{ myself }}"``). The pages in ``boards.py`` place them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from tether import LiveComponent, event

TITLE_MAX = 40


def _card_errors(title: str, body: str) -> dict[str, str]:
    errors = {}
    if not title.strip():
        errors["title"] = "A card needs a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"At most {TITLE_MAX} characters."
    if len(body) > 200:
        errors["body"] = "At most 200 characters."
    return errors


class Card(LiveComponent):
    """One card: shown, or edited in its own form with validation as you type."""

    template_name = "pages/components/card.html"

    def mount(self) -> None:
        self.editing = False
        self.draft = {"title": "", "body": ""}
        self.errors: dict[str, str] = {}

    @event
    def edit(self) -> None:
        self.draft = {"title": self.card["title"], "body": self.card["body"]}
        self.errors = {}
        self.editing = True

    @event
    def cancel(self) -> None:
        self.editing = False

    @event
    def validate(self, params: dict[str, Any]) -> None:
        self.draft = {"title": params.get("title", ""), "body": params.get("body", "")}
        self.errors = _card_errors(self.draft["title"], self.draft["body"])

    @event
    def save(self, params: dict[str, Any]) -> None:
        self.validate(params)
        if self.errors:
            return
        self.editing = False
        # The board owns the cards: it saves, then renders this card with the new one.
        self.send_parent(("card_saved", self.card["id"], self.draft))


class LikeButton(LiveComponent):
    """A component inside a component: its count is its own."""

    template_name = "pages/components/like_button.html"

    def mount(self) -> None:
        self.likes = 0

    @event
    def like(self) -> None:
        self.likes += 1


class Modal(LiveComponent):
    """A dialog that opens and closes itself; the page gives its title and text."""

    template_name = "pages/components/modal.html"

    def mount(self) -> None:
        self.open = False

    @event
    def show(self) -> None:
        self.open = True

    @event
    def close(self) -> None:
        self.open = False


class ContactRow(LiveComponent):
    """A table row edited in place. ``update_many`` loads what every row shows at once."""

    template_name = "pages/components/contact_row.html"
    #: How many rows each ``update_many`` call got (the page shows it).
    batches: ClassVar[list[int]] = []

    def mount(self) -> None:
        self.editing = False
        self.error = ""

    @classmethod
    def update_many(cls, pairs: list[tuple[dict[str, Any], ContactRow]]) -> None:
        cls.batches.append(len(pairs))
        # One lookup for the whole table, where a query per row would be a hundred.
        domains = {a["contact"]["email"].partition("@")[2] for a, _row in pairs}
        known = {domain: domain.endswith(".org") for domain in domains}
        for assigns, row in pairs:
            row.contact = assigns["contact"]
            row.nonprofit = known[row.contact["email"].partition("@")[2]]

    @event
    def edit(self) -> None:
        self.editing = True

    @event
    def save(self, params: dict[str, Any]) -> None:
        email = params.get("email", "").strip()
        if "@" not in email:
            self.error = "That is not an email address."
            return
        self.error = ""
        self.editing = False
        self.send_parent(("contact_saved", self.contact["id"], email))
