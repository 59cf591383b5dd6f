"""Every JS command built in Python (tether.JS), run by the official client in Chromium."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tether.testing import ServerProcess

CONNECTED = "[data-phx-main].phx-connected"
# Screenshots the docs show, refreshed by this test run.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "images"
VISIBLE = (
    "(() => { const p = document.querySelector('#panel'); return p.offsetParent !== null; })()"
)


@pytest.fixture
def js_page(page: Any, demo_server: ServerProcess) -> Any:
    page.goto(demo_server.url + "/js/")
    page.wait_for_selector(CONNECTED)
    return page


def _panel_visible(page: Any) -> bool:
    return bool(page.evaluate(VISIBLE))


def test_show_hide_and_toggle(js_page: Any) -> None:
    assert not _panel_visible(js_page)
    js_page.click("#show")
    js_page.wait_for_function(VISIBLE)
    assert js_page.eval_on_selector("#panel", "p => p.style.display") == "block"
    js_page.click("#hide")
    js_page.wait_for_function(f"!{VISIBLE}")
    js_page.click("#toggle")
    js_page.wait_for_function(VISIBLE)
    js_page.click("#toggle")
    js_page.wait_for_function(f"!{VISIBLE}")


def test_a_transition_runs_and_ends_with_its_end_classes(js_page: Any) -> None:
    # Each transition class is on only for its 50 ms (the client removes it after):
    # recorded as it is added, as polling for it could miss it on a busy machine.
    js_page.evaluate(
        """() => { const panel = document.querySelector('#panel'); window.__seen = new Set();
        new MutationObserver(() => panel.classList.forEach((c) => window.__seen.add(c)))
          .observe(panel, {attributes: true}); }"""
    )
    seen = "(c) => window.__seen.has(c)"
    js_page.click("#fade-in")
    js_page.wait_for_function(VISIBLE)
    js_page.wait_for_function(seen, arg="opacity-100")
    js_page.click("#transition")
    js_page.wait_for_function(seen, arg="pulsing")
    js_page.wait_for_function("!document.querySelector('#panel').classList.contains('pulsing')")


def test_classes_are_added_removed_and_toggled(js_page: Any) -> None:
    has = "(c) => document.querySelector('#panel').classList.contains(c)"
    js_page.click("#add-class")
    js_page.wait_for_function(has, arg="highlight")
    js_page.click("#remove-class")
    js_page.wait_for_function(f"(c) => !({has})(c)", arg="highlight")
    js_page.click("#toggle-class")
    js_page.wait_for_function(has, arg="flipped")
    js_page.click("#toggle-class")
    js_page.wait_for_function(f"(c) => !({has})(c)", arg="flipped")


def test_attributes_are_set_removed_and_toggled(js_page: Any) -> None:
    attr = "(a) => document.querySelector('#panel').getAttribute(a)"
    js_page.click("#set-attribute")
    js_page.wait_for_function(f"({attr})('data-state') === 'marked'")
    js_page.click("#remove-attribute")
    js_page.wait_for_function(f"({attr})('data-state') === null")
    js_page.click("#toggle-attribute")
    js_page.wait_for_function(f"({attr})('aria-expanded') === 'true'")
    js_page.click("#toggle-attribute")
    js_page.wait_for_function(f"({attr})('aria-expanded') === 'false'")


def test_dispatch_fires_a_dom_event_with_its_detail(js_page: Any) -> None:
    js_page.evaluate(
        "window.__heard = null; document.querySelector('#panel').addEventListener("
        "'panel:announce', e => { window.__heard = e.detail.who; })"
    )
    js_page.click("#dispatch")
    js_page.wait_for_function("window.__heard === 'python'")


def test_exec_runs_the_commands_stored_in_an_attribute(js_page: Any) -> None:
    js_page.click("#exec")
    js_page.wait_for_function("document.querySelector('#stored').classList.contains('ran')")


def test_focus_focus_first_push_focus_and_pop_focus(js_page: Any) -> None:
    active = "() => document.activeElement && document.activeElement.id"
    js_page.click("#focus")
    js_page.wait_for_function(f"({active})() === 'name'")
    js_page.click("#focus-first")
    js_page.wait_for_function(f"({active})() === 'first'")
    js_page.click("#push-focus")  # remembers #name
    js_page.focus("#first")
    js_page.click("#pop-focus")
    js_page.wait_for_function(f"({active})() === 'name'")


def test_push_reaches_the_view_and_chains_with_a_client_command(js_page: Any) -> None:
    js_page.click("#push")
    js_page.wait_for_function("document.querySelector('#count').textContent === '2'")
    assert _panel_visible(js_page)


def test_patch_and_navigate(js_page: Any) -> None:
    js_page.click("#patch")
    js_page.wait_for_function("document.querySelector('#tab').textContent === 'two'")
    assert js_page.url.endswith("/js/?tab=two")
    js_page.click("#navigate")
    js_page.wait_for_url("**/clock/")
    js_page.wait_for_selector("#now")


def test_live_patch_and_live_navigate_link_tags(js_page: Any) -> None:
    js_page.evaluate("window.__same_page = true")
    js_page.click("#link-patch")
    js_page.wait_for_function("document.querySelector('#tab').textContent === 'three'")
    assert js_page.evaluate("window.__same_page") is True  # no page load
    js_page.click("#link-navigate")
    js_page.wait_for_url("**/counter/")
    js_page.wait_for_selector("#count")
    assert js_page.evaluate("window.__same_page") is True  # live navigation, same document


def test_in_debug_a_crash_shows_an_overlay_with_the_servers_traceback(js_page: Any) -> None:
    errors: list[str] = []
    js_page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    js_page.click("#crash")
    js_page.wait_for_selector("#tether-overlay")
    text = js_page.text_content("#tether-overlay") or ""
    assert "JSCommands.crash (event 'crash') crashed" in text
    assert "RuntimeError: a crash, on purpose" in text
    assert any("JSCommands.crash" in e for e in errors)
    js_page.wait_for_selector("[data-phx-main].phx-connected")  # rejoined, mounted fresh
    if os.environ.get("TETHER_DOCS_SCREENSHOTS"):  # make docs-images refreshes the docs' copy
        js_page.screenshot(path=str(SCREENSHOTS / "error-overlay.png"))
