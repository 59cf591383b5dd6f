"""Uploads through tether.testing: the same frames the browser sends, binary chunks included."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tether.testing import LiveClient

from .conftest import files_in

LAB = "/uploads/lab/"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_a_submitted_file_is_stored_byte_for_byte(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live(LAB)
    data = bytes(range(256)) * 1000  # 256 kB: several chunks of 64 kB
    result = await view.upload("#upload-form", "avatar", [("notes.txt", data, "text/plain")])
    assert result.outcome == {"notes.txt": "ok"}
    assert result.progress["notes.txt"][-1] == 100 and len(result.progress["notes.txt"]) > 2
    assert view.element("progress")["value"] == "100"
    assert len(files_in(upload_dirs["temp"])) == 1, "the bytes wait in one temporary file"
    await view.submit("#upload-form")
    assert view.text("#uploaded-files li") == "lab/notes.txt"
    stored = upload_dirs["media"] / "lab" / "notes.txt"
    assert digest(stored.read_bytes()) == digest(data)
    assert files_in(upload_dirs["temp"]) == [], "consuming removed the temporary file"
    assert not view.has_element(".upload-entry")


async def test_a_file_too_large_a_wrong_type_and_one_too_many_show_their_errors(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live(LAB + "?size=1000")
    big = await view.upload("#upload-form", "avatar", [("big.txt", b"x" * 1001, "text/plain")])
    assert big.outcome == {"big.txt": "too_large"}
    assert view.text(".upload-entry .upload-error") == "File is too large"
    await view.click(".upload-entry button[aria-label=cancel]")

    wrong = await view.upload("#upload-form", "avatar", [("page.html", b"<h1>", "text/html")])
    assert wrong.outcome == {"page.html": "not_accepted"}
    assert view.text(".upload-entry .upload-error") == "Not an accepted file type"
    await view.click(".upload-entry button[aria-label=cancel]")

    three = [(f"{n}.txt", b"abc", "text/plain") for n in "abc"]
    many = await view.upload("#upload-form", "avatar", three)
    assert set(many.outcome.values()) == {"too_many_files"}
    assert view.text("#drop-target > .upload-error") == "Too many files"
    assert files_in(upload_dirs["temp"]) == [] and files_in(upload_dirs["media"]) == []


async def test_cancelling_an_entry_removes_it_and_its_file(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live(LAB)
    await view.upload("#upload-form", "avatar", [("a.txt", b"a" * 10, "text/plain")])
    assert len(files_in(upload_dirs["temp"])) == 1
    await view.click(".upload-entry button[aria-label=cancel]")
    assert not view.has_element(".upload-entry")
    assert files_in(upload_dirs["temp"]) == []
    await view.submit("#upload-form")
    assert not view.has_element("#uploaded-files li"), "nothing was stored"


async def test_auto_upload_sends_files_when_chosen(live_client: LiveClient) -> None:
    view = await live_client.live(LAB + "?auto")
    assert view.element("input[type=file]").has_attr("data-phx-auto-upload")
    files = [("one.md", b"# one", "text/markdown"), ("two.txt", b"two", "text/plain")]
    result = await view.upload("#upload-form", "avatar", files)
    assert result.outcome == {"one.md": "ok", "two.txt": "ok"}
    assert view.text("#uploaded") == "uploaded: true"
    done = str(view.element("input[type=file]")["data-phx-done-refs"]).split(",")
    assert len(done) == 2


async def test_the_file_input_carries_what_the_client_reads(live_client: LiveClient) -> None:
    view = await live_client.live(LAB + "?max=3")
    field = view.element("#upload-form input[type=file]")
    ref = str(field["id"])
    assert field["data-phx-upload-ref"] == ref and ref.startswith("phx-")
    assert field["accept"] == ".txt,.md" and field.has_attr("multiple")
    assert field["data-phx-hook"] == "Phoenix.LiveFileUpload"
    assert view.element("#drop-target")["phx-drop-target"] == ref


async def test_an_external_upload_gets_its_uploader_metadata_and_is_consumed_without_a_file(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live(LAB + "?external")
    result = await view.upload("#upload-form", "avatar", [("a.txt", b"abc", "text/plain")])
    meta = next(iter(result.preflight["entries"].values()))
    assert meta["uploader"] == "Example" and meta["url"].startswith("https://storage.invalid/")
    assert result.outcome == {"a.txt": "external"}
    assert files_in(upload_dirs["temp"]) == [], "no byte passed through the server"
    await view.submit("#upload-form")
    assert view.text("#uploaded-files li") == meta["key"]
