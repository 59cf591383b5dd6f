"""Phoenix LiveView issue 3368: after "too many files", a new drop replaces the entries.

With an upload of one file, dropping two shows the error; dropping one more
then replaces them, and the error goes.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_lv
from e2e.uploads import DROP, UploadServer, upload_server

__all__ = ["upload_server"]


def drop(page: Any, names: list[str]) -> None:
    page.evaluate(DROP, ["#drop-target", [[name, name, "image/png"] for name in names]])
    sync_lv(page)


def test_a_new_drop_replaces_entries_after_too_many_files(
    page: Any, upload_server: UploadServer
) -> None:
    page.goto(upload_server.url + "/uploads/lab/?max=1&accept=image")
    sync_lv(page)
    drop(page, ["first.png", "second.png"])
    page.wait_for_selector(".upload-error")
    assert page.locator(".upload-error").all_inner_texts() == ["Too many files"]
    drop(page, ["replacement.png"])
    page.wait_for_selector(".upload-error", state="detached")
    assert page.locator(".upload-entry .entry-name").all_inner_texts() == ["replacement.png"]
