"""Phoenix LiveView issue 3391: an invalid auto-upload cancels the submit, never locks the form.

Submitting while an entry is invalid sends nothing and leaves the form and
its buttons usable; once the entry is cancelled and a valid file uploads,
the submit goes through.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_lv
from e2e.uploads import UploadServer, payload, upload_server

__all__ = ["upload_server"]


def test_an_invalid_auto_upload_does_not_lock_the_form(
    page: Any, upload_server: UploadServer
) -> None:
    page.goto(upload_server.url + "/uploads/lab/?auto&max=1")
    sync_lv(page)
    form = page.locator("#upload-form")
    submit = form.get_by_role("button", name="Upload")
    form.locator("input[type=file]").set_input_files(
        payload("invalid.html", b"<h1>invalid</h1>", "text/html")
    )
    sync_lv(page)
    failed = form.locator(".upload-entry")
    assert failed.locator(".upload-error").inner_text() == "Not an accepted file type"

    submit.click()
    sync_lv(page)
    assert "phx-submit-loading" not in (form.get_attribute("class") or "")
    assert submit.is_enabled()
    assert failed.get_by_label("cancel").is_enabled()
    assert failed.locator(".upload-error").inner_text() == "Not an accepted file type"
    assert page.locator("#submit-count").inner_text() == "submitted: false"

    failed.get_by_label("cancel").click()
    page.wait_for_selector(".upload-entry", state="detached")
    form.locator("input[type=file]").set_input_files(payload("valid.txt", b"valid", "text/plain"))
    page.wait_for_function("document.querySelector('#uploaded').textContent === 'uploaded: true'")
    submit.click()
    page.wait_for_function(
        "document.querySelector('#submit-count').textContent === 'submitted: true'"
    )
