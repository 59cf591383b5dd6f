"""Live state survives a restart and a move to another process, in real Chromium."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.e2e.proxy import SwitchProxy

CONNECTED = "[data-phx-main].phx-connected"


def _fill_wizard(page: Any) -> None:
    page.wait_for_selector(CONNECTED)
    page.fill("#name", "Ada")
    page.wait_for_function("document.querySelector('#summary').textContent.includes('Ada')")
    page.click("#next")
    page.wait_for_function("document.querySelector('#step').textContent === 'Step 2 of 3'")
    page.fill("#email", "ada@example.com")
    page.wait_for_function(
        "document.querySelector('#summary').textContent.includes('ada@example.com')"
    )
    for text in ("milk", "bread"):
        page.fill("#item", text)
        page.click("#add")
        page.wait_for_function(
            "(t) => [...document.querySelectorAll('#items li')].some(li => li.textContent === t)",
            arg=text,
        )


def _count_socket_opens(page: Any) -> None:
    page.evaluate(
        "() => { window.__opens = 0;"
        " window.liveSocket.getSocket().onOpen(() => { window.__opens += 1; }); }"
    )


def _assert_resumed(page: Any) -> None:
    # A reconnect can be quicker than any poll for the disconnected state, so
    # count the socket's opens instead.
    page.wait_for_function("window.__opens >= 1", timeout=20_000)
    page.wait_for_selector(CONNECTED, timeout=20_000)
    assert page.text_content("#step") == "Step 2 of 3"
    assert page.input_value("#email") == "ada@example.com"
    assert page.locator("#items li").all_text_contents() == ["milk", "bread"]
    assert "Ada" in (page.text_content("#summary") or "")
    page.click("#back")
    page.wait_for_selector("#name")
    assert page.input_value("#name") == "Ada"


def test_the_wizard_resumes_after_the_server_restarts(
    page: Any, server_factory: Any, tmp_path: Path
) -> None:
    server = server_factory(TETHER_CACHE_DIR=str(tmp_path / "cache"))
    page.goto(server.url + "/wizard/")
    _fill_wizard(page)
    _count_socket_opens(page)
    server.stop()  # SIGTERM: views are frozen to the file cache
    server.start()
    _assert_resumed(page)


def test_with_checkpoints_the_wizard_resumes_after_kill_9_and_a_restart(
    page: Any, server_factory: Any, tmp_path: Path
) -> None:
    # Review: "kill -9 today freezes nothing". SIGKILL runs no shutdown; only the
    # write-through checkpoint (TETHER["CHECKPOINT"]) has the state in the store.
    cache = tmp_path / "cache"
    server = server_factory(TETHER_CACHE_DIR=str(cache), TETHER_CHECKPOINT_EVERY="0.2")
    page.goto(server.url + "/wizard/")
    _fill_wizard(page)
    _count_socket_opens(page)
    deadline = time.monotonic() + 20
    while not any(cache.rglob("*.djcache")) and time.monotonic() < deadline:
        time.sleep(0.1)  # until the checkpointer has written once
    time.sleep(0.5)  # and once more, after the last change
    server.kill()
    server.start()
    _assert_resumed(page)


def test_the_wizard_resumes_on_another_process_through_redis(
    page: Any, server_factory: Any
) -> None:
    redis = {"TETHER_REDIS_URL": "redis://127.0.0.1:6379/0"}
    first = server_factory(**redis)
    second = server_factory(**redis)
    with SwitchProxy(first.port) as proxy:
        page.goto(proxy.url + "/wizard/")
        _fill_wizard(page)
        _count_socket_opens(page)
        proxy.upstream = second.port  # new connections go to the second process
        first.stop()
        _assert_resumed(page)


def test_a_model_form_mid_edit_survives_a_restart_with_its_data_and_errors(
    page: Any, server_factory: Any, tmp_path: Path
) -> None:
    # A bound ModelForm used to fail to freeze ("cannot pickle"), losing the draft.
    server = server_factory(TETHER_CACHE_DIR=str(tmp_path / "cache"))
    page.goto(server.url + "/templates/form/")
    page.wait_for_selector(CONNECTED)
    page.fill("#id_name", "Ada")
    page.fill("#id_email", "not-an-email")
    page.wait_for_selector("#error-email")
    _count_socket_opens(page)
    server.stop()  # SIGTERM: the view, its bound form included, is frozen
    server.start()
    page.wait_for_function("window.__opens >= 1", timeout=20_000)
    page.wait_for_selector(CONNECTED, timeout=20_000)
    assert page.input_value("#id_name") == "Ada"
    assert page.input_value("#id_email") == "not-an-email"
    assert "valid email" in (page.text_content("#error-email") or "")
    page.fill("#id_email", "ada@example.com")
    page.wait_for_selector("#error-email", state="detached")
