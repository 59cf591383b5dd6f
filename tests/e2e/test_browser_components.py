"""Live components in real Chromium with the official client: the demo's card board.

Each card is a component with a like button component inside it. The page's
"Count live components" button shows how many components the server holds
for the page, so the destroy handshake is visible from the browser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tether.testing import ServerProcess

CONNECTED = "[data-phx-main].phx-connected"


def _replies(page: Any) -> list[Any]:
    received: list[Any] = []

    def on_frame(payload: Any) -> None:
        frame = json.loads(str(payload))
        if frame[3] == "phx_reply":
            received.append(frame[4].get("response", {}))

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    return received


def _wait_text(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s); return !!e && e.textContent === t; }",
        arg=[selector, text],
    )


def _alive(page: Any) -> int:
    """Components the server holds for the page (the client marks the button while it waits)."""
    page.click("#count")
    page.wait_for_function("() => !document.querySelector('#count.phx-click-loading')")
    return int(page.text_content("#alive") or "0")


def test_two_cards_keep_their_own_state_and_a_click_sends_only_its_slot(
    page: Any, demo_server: ServerProcess
) -> None:
    replies = _replies(page)
    page.goto(demo_server.url + "/components/cards/")
    page.wait_for_selector(CONNECTED)
    for _ in range(3):
        page.click("#card-1 .like")
    _wait_text(page, "#card-1 .likes", "3")
    page.click("#card-2 .like")
    _wait_text(page, "#card-2 .likes", "1")
    assert page.text_content("#card-1 .likes") == "3"
    cid = page.get_attribute("#card-2 .like", "data-phx-component")
    # The last reply carries that component's changed count, and nothing else.
    assert replies[-1] == {"diff": {"c": {cid: {"1": "1"}}}}


def test_a_card_edits_and_validates_in_its_own_form(page: Any, demo_server: ServerProcess) -> None:
    page.goto(demo_server.url + "/components/cards/")
    page.wait_for_selector(CONNECTED)
    page.click("#card-2 .edit")
    page.fill("#card-2 input[name=title]", "")
    page.wait_for_selector("#card-2 .error")
    assert page.text_content("#card-2 .error") == "A card needs a title."
    assert page.locator("#card-1 form").count() == 0  # the other card is not editing
    page.fill("#card-2 input[name=title]", "Call Grace")
    page.click("#card-2 button[type=submit]")
    _wait_text(page, "#card-2 .title", "Call Grace")


def test_removing_a_card_destroys_its_components_and_undo_brings_fresh_ones(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + "/components/cards/")
    page.wait_for_selector(CONNECTED)
    assert _alive(page) == 5  # the modal, two cards, their two like buttons
    page.click("#card-1 .like")
    _wait_text(page, "#card-1 .likes", "1")
    old_cid = page.get_attribute("#card-1", "data-phx-component")
    page.click("#card-1 .remove")
    page.wait_for_selector("#card-1", state="detached")
    # The client's cids_will_destroy / cids_destroyed round trips end in the server.
    page.wait_for_function(
        """async () => { document.querySelector('#count').click();
           await new Promise(r => setTimeout(r, 50));
           return document.querySelector('#alive').textContent === '3'; }"""
    )
    page.click("#undo")
    page.wait_for_selector("#card-1")
    assert page.text_content("#card-1 .likes") == "0"  # a fresh component
    assert page.get_attribute("#card-1", "data-phx-component") != old_cid
    assert _alive(page) == 5


def test_the_modal_opens_and_closes_itself(page: Any, demo_server: ServerProcess) -> None:
    page.goto(demo_server.url + "/components/contacts/")
    page.wait_for_selector(CONNECTED)
    page.click("#contacts-help .open")
    page.wait_for_selector("#contacts-help [role=dialog]")
    page.click("#contacts-help .close")
    page.wait_for_selector("#contacts-help [role=dialog]", state="detached")
    page.click("#contact-2 .edit")
    page.fill("#contact-2 input[name=email]", "grace")
    page.click("#contact-2 form button")
    page.wait_for_selector("#contact-2 .error")
    page.fill("#contact-2 input[name=email]", "grace@hopper.org")
    page.click("#contact-2 form button")
    _wait_text(page, "#contact-2 .email", "grace@hopper.org (non-profit)")


def test_cards_resume_with_their_state_after_the_server_restarts(
    page: Any, server_factory: Any, tmp_path: Path
) -> None:
    server = server_factory(TETHER_CACHE_DIR=str(tmp_path / "cache"))
    page.goto(server.url + "/components/cards/")
    page.wait_for_selector(CONNECTED)
    page.click("#card-1 .like")
    page.click("#card-1 .like")
    _wait_text(page, "#card-1 .likes", "2")
    page.click("#card-2 .edit")
    page.fill("#card-2 input[name=title]", "Call Ada tomorrow")
    page.wait_for_function(
        "() => document.querySelector('#card-2 input[name=title]').value === 'Call Ada tomorrow'"
    )
    page.wait_for_function("() => !document.querySelector('[data-phx-ref-loading]')")
    page.evaluate(
        "() => { window.__opens = 0;"
        " window.liveSocket.getSocket().onOpen(() => { window.__opens += 1; }); }"
    )
    server.stop()  # SIGTERM: the view and its components are frozen to the file cache
    server.start()
    page.wait_for_function("window.__opens >= 1", timeout=20_000)
    page.wait_for_selector(CONNECTED, timeout=20_000)
    assert page.text_content("#card-1 .likes") == "2"
    # Still editing (the form exists only while the thawed card says so), with its draft.
    assert page.input_value("#card-2 input[name=title]") == "Call Ada tomorrow"
    page.click("#card-1 .like")  # the thawed components still take events
    _wait_text(page, "#card-1 .likes", "3")
