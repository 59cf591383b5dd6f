"""Phoenix LiveView issue 3319: a required file input with several files can be submitted.

The browser's own validation must not block the submit once the files are
chosen (the client's upload hook drops ``required`` when it holds files).
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_lv
from e2e.uploads import UploadServer, payload, upload_server

__all__ = ["upload_server"]


def test_a_required_upload_with_two_files_submits(page: Any, upload_server: UploadServer) -> None:
    page.goto(upload_server.url + "/uploads/lab/?required")
    sync_lv(page)
    field = page.locator("#upload-form input[type=file]")
    assert field.get_attribute("required") is not None
    field.set_input_files(
        [
            payload("first.txt", b"first", "text/plain"),
            payload("second.txt", b"second", "text/plain"),
        ]
    )
    sync_lv(page)
    assert page.locator(".upload-entry").count() == 2
    page.get_by_role("button", name="Upload").click()
    page.wait_for_function("document.querySelector('#submitted').textContent !== ''")
    assert sorted(page.locator("#submitted").inner_text().split(",")) == ["first.txt", "second.txt"]
