"""Uploads in Chromium with the pinned client: real files, chunks over the socket, storage."""

from __future__ import annotations

import os
from typing import Any

from conformance.lv import sync_lv
from e2e.uploads import DROP, WATCH_PROGRESS, UploadServer, payload, sha256, upload_server

__all__ = ["upload_server"]

LAB = "/uploads/lab/"


def open_lab(page: Any, server: UploadServer, query: str = "") -> None:
    page.goto(server.url + LAB + query)
    sync_lv(page)


def test_a_chosen_file_shows_progress_to_100_and_is_stored_byte_for_byte(
    page: Any, upload_server: UploadServer
) -> None:
    open_lab(page, upload_server)
    page.evaluate(WATCH_PROGRESS)
    data = os.urandom(1_500_000)  # about 24 chunks of 64 kB
    page.set_input_files("#upload-form input[type=file]", payload("photo.txt", data, "text/plain"))
    sync_lv(page)
    assert page.get_attribute(".upload-entry progress", "value") == "0"
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("#uploaded-files li")
    seen = page.evaluate("window.__progress")
    assert seen[-1] == 100, seen
    assert any(0 < value < 100 for value in seen), f"the bar moved: {seen}"
    assert seen == sorted(seen)
    stored = upload_server.stored()
    assert stored == ["photo.txt"]
    assert sha256((upload_server.media / "lab" / "photo.txt").read_bytes()) == sha256(data)
    assert upload_server.temporary() == []


def test_too_large_wrong_type_and_too_many_show_errors_and_store_nothing(
    page: Any, upload_server: UploadServer
) -> None:
    before = upload_server.stored()
    open_lab(page, upload_server, "?size=1000")
    field = "#upload-form input[type=file]"
    page.set_input_files(field, payload("big.txt", b"x" * 2000, "text/plain"))
    page.wait_for_selector(".upload-entry .upload-error:has-text('File is too large')")
    page.get_by_label("cancel").click()
    # The entry goes before the next file is chosen, as a user sees it go: a file
    # picked while the cancel is in flight would be validated beside it.
    page.wait_for_selector(".upload-entry", state="detached")
    page.set_input_files(field, payload("page.html", b"<h1>hi</h1>", "text/html"))
    page.wait_for_selector(".upload-entry .upload-error:has-text('Not an accepted file type')")
    page.get_by_label("cancel").click()
    page.wait_for_selector(".upload-entry", state="detached")
    three = [payload(f"{n}.txt", n.encode(), "text/plain") for n in "abc"]
    page.set_input_files(field, three)
    page.wait_for_selector("#drop-target > .upload-error:has-text('Too many files')")
    page.get_by_role("button", name="Upload").click()
    sync_lv(page)
    assert page.locator("#uploaded-files li").count() == 0
    assert upload_server.stored() == before
    assert upload_server.temporary() == []


def test_a_file_dropped_on_the_drop_target_is_uploaded(
    page: Any, upload_server: UploadServer
) -> None:
    open_lab(page, upload_server)
    page.evaluate(DROP, ["#drop-target", [["dropped.md", "# dropped", "text/markdown"]]])
    page.wait_for_selector(".upload-entry:has-text('dropped.md')")
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("#uploaded-files li:has-text('dropped.md')")
    assert (upload_server.media / "lab" / "dropped.md").read_text() == "# dropped"


def test_cancelling_an_entry_removes_it(page: Any, upload_server: UploadServer) -> None:
    before = upload_server.stored()
    open_lab(page, upload_server, "?max=3")
    files = [payload("keep.txt", b"keep", "text/plain"), payload("drop.txt", b"drop", "text/plain")]
    page.set_input_files("#upload-form input[type=file]", files)
    page.wait_for_selector(".upload-entry[data-name='drop.txt']")
    page.locator(".upload-entry[data-name='drop.txt']").get_by_label("cancel").click()
    page.wait_for_selector(".upload-entry[data-name='drop.txt']", state="detached")
    page.get_by_role("button", name="Upload").click()
    page.wait_for_selector("#uploaded-files li")
    assert page.locator("#uploaded-files li").all_inner_texts() == ["lab/keep.txt"]
    assert sorted(set(upload_server.stored()) - set(before)) == ["keep.txt"]
