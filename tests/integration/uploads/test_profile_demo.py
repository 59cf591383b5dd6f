"""The profile demo: an avatar stored by its progress callback, attachments through a FileField."""

from __future__ import annotations

from pathlib import Path

from pages.models import Attachment
from tether.testing import LiveClient

from .conftest import files_in

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


async def test_the_avatar_is_stored_when_its_upload_completes(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live("/profile/")
    result = await view.upload("#avatar-form", "avatar", [("me.png", PNG, "image/png")])
    assert result.outcome == {"me.png": "ok"}
    await view.wait_for_element("#avatar")
    assert view.element("#avatar")["src"] == "/media/avatars/me.png"
    assert (upload_dirs["media"] / "avatars" / "me.png").read_bytes() == PNG
    assert not view.has_element("#avatar-form .entry")
    assert files_in(upload_dirs["temp"]) == []


async def test_attachments_are_saved_through_a_file_field(
    live_client: LiveClient, upload_dirs: dict[str, Path]
) -> None:
    view = await live_client.live("/profile/")
    files = [("notes.txt", b"notes", "text/plain"), ("plan.md", b"# plan", "text/markdown")]
    result = await view.upload("#attachments-form", "attachments", files)
    assert result.outcome == {"notes.txt": "ok", "plan.md": "ok"}
    await view.submit("#attachments-form")
    saved = [a async for a in Attachment.objects.order_by("id")]
    assert [(a.name, a.file.name) for a in saved] == [
        ("notes.txt", "attachments/notes.txt"),
        ("plan.md", "attachments/plan.md"),
    ]
    assert view.soup().select("#attachments a")[0].get_text() == "plan.md"
    wrong = await view.upload("#attachments-form", "attachments", [("x.exe", b"MZ", "")])
    assert wrong.outcome == {"x.exe": "not_accepted"}
