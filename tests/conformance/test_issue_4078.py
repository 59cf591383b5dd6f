"""Phoenix LiveView issue 4078: the file input follows assigns for ``disabled`` and ``class``,
and keeps its chosen files when they change."""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_lv
from e2e.uploads import UploadServer, payload, upload_server

__all__ = ["upload_server"]

FIELD = "#upload-form input[type=file]"


def toggle(page: Any, which: str) -> None:
    page.locator(f"#toggle-{which}").click()
    sync_lv(page)


def test_disabled_follows_the_assign(page: Any, upload_server: UploadServer) -> None:
    page.goto(upload_server.url + "/uploads/lab/?disabled")
    sync_lv(page)
    assert page.locator(FIELD).is_disabled()
    toggle(page, "disabled")
    assert not page.locator(FIELD).is_disabled()
    toggle(page, "disabled")
    assert page.locator(FIELD).is_disabled()


def test_class_follows_the_assign(page: Any, upload_server: UploadServer) -> None:
    page.goto(upload_server.url + "/uploads/lab/")
    sync_lv(page)
    assert page.locator(FIELD).get_attribute("class") == "initial-class"
    toggle(page, "class")
    assert page.locator(FIELD).get_attribute("class") == "updated-class"
    toggle(page, "class")
    assert page.locator(FIELD).get_attribute("class") == "initial-class"


def test_chosen_files_stay_when_attributes_change(page: Any, upload_server: UploadServer) -> None:
    page.goto(upload_server.url + "/uploads/lab/?disabled")
    sync_lv(page)
    toggle(page, "disabled")
    page.locator(FIELD).set_input_files(payload("test.txt", b"test content", "text/plain"))
    sync_lv(page)
    assert page.locator(".upload-entry .entry-name").inner_text() == "test.txt"
    toggle(page, "class")
    assert page.locator(".upload-entry .entry-name").inner_text() == "test.txt"
    assert page.locator(FIELD).get_attribute("class") == "updated-class"
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("#uploaded-files li")
    assert page.locator("#uploaded-files li").inner_text().startswith("lab/test")
