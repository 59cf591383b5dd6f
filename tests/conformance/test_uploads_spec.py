"""Phoenix LiveView's upload scenarios (its e2e ``uploads.spec.js``), against a Tether page.

The page is ``examples/demo/pages/uploads_lab.py``: an upload of at most two
text files (``.txt``, ``.md``), a drop target, a progress bar per entry, a
cancel button, the errors, and the stored files as download links.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_lv
from e2e.uploads import DROP, UploadServer, payload, upload_server

__all__ = ["upload_server"]

FIELD = "#upload-form input[type=file]"
TEXT = payload("file.txt", b"this is a test", "text/plain")
MARKDOWN = payload("file.md", b"## this is a markdown file", "text/markdown")
ANOTHER = payload("file2.md", b"## another markdown file", "text/markdown")

# Every class a selector's element takes, recorded from now on.
WATCH_CLASSES = """(selector) => {
  window.__classes = window.__classes || {};
  const seen = window.__classes[selector] = [];
  new MutationObserver(() => seen.push(document.querySelector(selector).className))
    .observe(document.querySelector(selector), {attributes: true, attributeFilter: ['class']});
}"""

DRAG = """([selector, type, related]) => {
  const dt = new DataTransfer();
  dt.items.add(new File(['this is a test'], 'file.txt', {type: 'text/plain'}));
  document.querySelector(selector).dispatchEvent(new DragEvent(type,
    {dataTransfer: dt, bubbles: true, cancelable: true, relatedTarget: related || null}));
}"""


def open_lab(page: Any, server: UploadServer, query: str = "") -> None:
    page.goto(server.url + "/uploads/lab/" + query)
    sync_lv(page)


def uploaded(page: Any) -> Any:
    return page.locator("#uploaded-files li")


def download_text(page: Any, index: int = 0) -> str:
    with page.expect_download() as info:
        uploaded(page).nth(index).locator("a").click()
    with open(info.value.path(), encoding="utf-8") as handle:
        return handle.read()


def test_can_upload_a_file(page: Any, upload_server: UploadServer) -> None:
    open_lab(page, upload_server)
    page.evaluate(WATCH_CLASSES, "#upload-form")
    page.evaluate(WATCH_CLASSES, FIELD)
    page.set_input_files(FIELD, TEXT)
    sync_lv(page)
    assert page.get_attribute("progress", "value") == "0"
    page.get_by_role("button", name="Upload").click()
    uploaded(page).wait_for()
    classes = page.evaluate("window.__classes")
    assert "phx-submit-loading" in classes["#upload-form"]
    assert "phx-change-loading" in " ".join(classes[FIELD])
    assert download_text(page) == "this is a test"


def test_can_drop_a_file(page: Any, upload_server: UploadServer) -> None:
    open_lab(page, upload_server)
    page.evaluate(DROP, ["section", [["file.txt", "this is a test", "text/plain"]]])
    sync_lv(page)
    page.get_by_role("button", name="Upload").click()
    uploaded(page).wait_for()
    assert download_text(page) == "this is a test"


def test_the_active_drop_class_goes_when_the_drag_leaves(
    page: Any, upload_server: UploadServer
) -> None:
    open_lab(page, upload_server)
    target = page.locator("#drop-target")
    page.evaluate(DRAG, ["#drop-target", "dragenter"])
    page.wait_for_selector("#drop-target.phx-drop-target-active")
    page.evaluate(DRAG, ["#drop-target", "dragleave"])
    page.wait_for_selector("#drop-target:not(.phx-drop-target-active)")
    assert "phx-drop-target-active" not in (target.get_attribute("class") or "")


def test_the_active_drop_class_stays_across_a_child(page: Any, upload_server: UploadServer) -> None:
    open_lab(page, upload_server)
    page.evaluate(DRAG, ["#drop-target", "dragenter"])
    page.evaluate(DRAG, ["#drop-target-inner", "dragenter"])
    page.evaluate(DRAG, ["#drop-target", "dragleave"])
    assert "phx-drop-target-active" in page.locator("#drop-target").get_attribute("class")
    page.evaluate(DRAG, ["#drop-target-inner", "dragleave"])
    page.wait_for_selector("#drop-target:not(.phx-drop-target-active)")


def test_can_upload_multiple_files(page: Any, upload_server: UploadServer) -> None:
    open_lab(page, upload_server)
    page.set_input_files(FIELD, [TEXT, MARKDOWN])
    sync_lv(page)
    page.get_by_role("button", name="Upload").click()
    page.wait_for_function("document.querySelectorAll('#uploaded-files li').length === 2")


def test_too_many_files_show_an_error(page: Any, upload_server: UploadServer) -> None:
    open_lab(page, upload_server)
    page.set_input_files(FIELD, [TEXT, MARKDOWN, ANOTHER])
    sync_lv(page)
    assert "Too many files" in page.locator(".alert").all_inner_texts()


def test_an_unacceptable_type_shows_an_error(page: Any, upload_server: UploadServer) -> None:
    open_lab(page, upload_server)
    page.set_input_files(FIELD, payload("file.html", b"<h1>Hi</h1>", "text/html"))
    sync_lv(page)
    assert page.locator(".alert").inner_text() == "Not an accepted file type"


def test_auto_upload_reaches_100_before_the_submit(page: Any, upload_server: UploadServer) -> None:
    open_lab(page, upload_server, "?auto")
    page.set_input_files(FIELD, TEXT)
    page.wait_for_selector("progress[value='100']")
    page.get_by_role("button", name="Upload").click()
    uploaded(page).wait_for()
    assert uploaded(page).count() == 1


def test_a_cancelled_file_is_not_added_again(page: Any, upload_server: UploadServer) -> None:
    """Phoenix issue 3115."""
    open_lab(page, upload_server)
    page.set_input_files(FIELD, TEXT)
    sync_lv(page)
    page.get_by_label("cancel").click()
    sync_lv(page)
    page.set_input_files(FIELD, MARKDOWN)
    sync_lv(page)
    page.get_by_role("button", name="Upload").click()
    uploaded(page).wait_for()
    sync_lv(page)
    assert uploaded(page).count() == 1
    assert download_text(page) == "## this is a markdown file"


def test_submitting_an_invalid_form_twice_does_not_crash(
    page: Any, upload_server: UploadServer
) -> None:
    open_lab(page, upload_server)
    logs: list[str] = []
    page.on("console", lambda message: logs.append(message.text))
    page.set_input_files(FIELD, [TEXT, MARKDOWN, ANOTHER])
    sync_lv(page)
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("button", name="Upload").click()
    sync_lv(page)
    assert not [line for line in logs if "view crashed" in line]
    assert "Too many files" in page.locator(".alert").all_inner_texts()
    assert uploaded(page).count() == 0


def test_auto_upload_submits_after_the_extra_file_is_cancelled(
    page: Any, upload_server: UploadServer
) -> None:
    open_lab(page, upload_server, "?auto")
    logs: list[str] = []
    page.on("console", lambda message: logs.append(message.text))
    page.set_input_files(FIELD, [TEXT, MARKDOWN, ANOTHER])
    sync_lv(page)
    assert not [line for line in logs if "no preflight upload response" in line]
    assert uploaded(page).count() == 0
    assert "Too many files" in page.locator(".alert").all_inner_texts()
    page.locator("article").filter(has_text="file2.md").get_by_label("cancel").click()
    sync_lv(page)
    page.get_by_role("button", name="Upload").click()
    sync_lv(page)
    page.wait_for_function("document.querySelectorAll('#uploaded-files li').length === 2")
    assert page.locator(".alert").count() == 0
