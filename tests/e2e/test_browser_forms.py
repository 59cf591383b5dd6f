"""Live validation in real Chromium, on the demo's team page (a ModelForm and an
inline formset): errors only where the user typed, all of them on submit, rows
added live, and ``phx-disable-with`` while a submit is in flight."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from tether.testing import ServerProcess

CONNECTED = "[data-phx-main].phx-connected"


def _open(page: Any, server: ServerProcess) -> None:
    page.goto(server.url + "/teams/new/")
    page.wait_for_selector(CONNECTED)


def _errors(page: Any) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(".team-page .error", "els => els.map(e => e.id)")
    return sorted(ids)


def test_typing_in_one_field_of_an_empty_form_leaves_the_others_quiet_until_submit(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server)
    page.fill("#id_team-name", "Al")
    page.wait_for_selector("#error-team-name")
    assert "at least 3 characters" in page.text_content("#error-team-name")
    assert _errors(page) == ["error-team-name"], "untouched fields show no 'required'"
    page.fill("#id_team-name", "Alpha")
    page.wait_for_selector("#error-team-name", state="detached")
    assert _errors(page) == []

    page.click("#save")
    page.wait_for_selector("#error-team-contact")
    assert _errors(page) == [
        "error-members-0-email",
        "error-members-0-name",
        "error-team-contact",
    ]
    assert page.text_content("#error-team-contact") == "This field is required."


def test_the_team_page_adds_a_member_shows_touched_only_errors_and_saves(
    page: Any, demo_server: ServerProcess
) -> None:
    _open(page, demo_server)
    name = f"Team {uuid.uuid4().hex[:8]}"  # the server's database lives for the session
    page.fill("#id_team-name", name)
    page.fill("#id_team-contact", "team@example.com")
    page.fill("#id_members-0-name", "Ada")
    page.fill("#id_members-0-email", "ada@example.com")
    page.click("#add-member")
    page.wait_for_selector("#member-1")
    assert page.input_value("#id_members-0-name") == "Ada", "the draft stays"
    assert page.input_value("#id_members-TOTAL_FORMS") == "2"
    assert _errors(page) == []

    page.fill("#id_members-1-email", "bob@")
    page.wait_for_selector("#error-members-1-email")
    assert _errors(page) == ["error-members-1-email"], "the new row's name is untouched"
    page.fill("#id_members-1-email", "bob@example.com")
    page.fill("#id_members-1-name", "Bob")
    page.wait_for_selector("#error-members-1-email", state="detached")

    page.click("#save")
    # Saved, then a fresh page (the only one that lists the new team).
    saved = page.locator("#teams li", has_text=name)
    saved.wait_for()
    assert saved.text_content() == f"{name}: Ada, Bob"
    assert page.text_content("#saved") == f"Team “{name}” created."
    assert page.input_value("#id_team-name") == "", "a fresh form for the next team"
    assert page.locator("#members .member").count() == 1
    # The fresh page's inputs are new: typing in one leaves the others quiet again.
    page.fill("#id_team-name", "Al")
    page.wait_for_selector("#error-team-name")
    assert _errors(page) == ["error-team-name"]


class HeldReplies:
    """The page's socket, routed through the test: once the page sends ``save``,
    the server's frames wait here until ``release``, as a slow handler's reply would."""

    def __init__(self) -> None:
        self.holding = False
        self.held: list[str | bytes] = []
        self.page_side: Any = None

    def route(self, ws: Any) -> None:
        server = ws.connect_to_server()
        self.page_side = ws

        def from_page(message: str | bytes) -> None:
            if isinstance(message, str):
                _join_ref, _ref, _topic, event, payload = json.loads(message)
                if event == "event" and payload.get("event") == "save":
                    self.holding = True
            server.send(message)

        def from_server(message: str | bytes) -> None:
            if self.holding:
                self.held.append(message)
            else:
                ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    def release(self) -> None:
        self.holding = False
        for message in self.held:
            self.page_side.send(message)
        self.held.clear()


def test_the_submit_button_shows_its_disable_with_text_until_the_reply(
    page: Any, demo_server: ServerProcess
) -> None:
    replies = HeldReplies()
    page.route_web_socket(re.compile(r"/live/websocket"), replies.route)
    _open(page, demo_server)
    page.fill("#id_team-name", f"Team {uuid.uuid4().hex[:8]}")
    page.fill("#id_members-0-name", "Ada")
    page.fill("#id_members-0-email", "ada@example.com")
    page.wait_for_function("document.querySelectorAll('.team-page .error').length === 0")
    page.evaluate("window.__save = document.querySelector('#save')")
    assert page.text_content("#save") == "Create team"

    page.click("#save")  # the contact is missing: the reply will carry its error
    page.wait_for_function("window.__save.textContent === 'Saving…' && window.__save.disabled")
    for _ in range(100):  # the server has answered: its reply waits in the test
        if replies.held:
            break
        page.wait_for_timeout(50)
    assert replies.held, "the server answered the submit"
    assert page.text_content("#save") == "Saving…", "in flight until the reply arrives"
    assert page.is_disabled("#save")

    replies.release()
    page.wait_for_selector("#error-team-contact")
    page.wait_for_function(
        "window.__save.textContent === 'Create team' && !window.__save.disabled"
        " && document.querySelector('#save') === window.__save"
    )


def test_the_team_page_mid_edit_survives_a_server_restart_with_its_rows_and_errors(
    page: Any, server_factory: Any, tmp_path: Path
) -> None:
    server = server_factory(TETHER_CACHE_DIR=str(tmp_path / "cache"))
    _open(page, server)
    page.fill("#id_team-name", "Al")
    page.click("#add-member")
    page.wait_for_selector("#member-1")
    page.fill("#id_members-1-email", "bob@")
    page.wait_for_selector("#error-members-1-email")
    before = _errors(page)
    assert before == ["error-members-1-email", "error-team-name"]
    page.evaluate(
        "() => { window.__opens = 0;"
        " window.liveSocket.getSocket().onOpen(() => { window.__opens += 1; }); }"
    )
    server.stop()  # SIGTERM: the view is frozen, its bound form and formset included
    server.start()
    page.wait_for_function("window.__opens >= 1", timeout=20_000)
    page.wait_for_selector(CONNECTED, timeout=20_000)
    assert page.input_value("#id_members-1-email") == "bob@"
    assert page.input_value("#id_members-TOTAL_FORMS") == "2"
    assert _errors(page) == before, "still only the touched fields' errors"
    page.fill("#id_members-1-email", "bob@example.com")
    page.wait_for_selector("#error-members-1-email", state="detached")
    assert _errors(page) == ["error-team-name"]
