"""The profile page: an avatar and attachments, uploaded live (docs/uploads.md).

The avatar uploads as soon as it is chosen or dropped (``auto_upload``),
shows a preview read in the browser and a progress bar, and is stored in
``default_storage`` by the progress callback once it is complete. The
attachments wait for the form's submit and are saved through a model's
``FileField``. Both show the server's validation errors.
"""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest

from pages.models import Attachment
from tether import LiveView, event
from tether.uploads import UploadEntry


def store_avatar(file: File[bytes], entry: UploadEntry) -> str:
    return str(default_storage.url(default_storage.save(f"avatars/{entry.client_name}", file)))


def attach(file: File[bytes], entry: UploadEntry) -> Attachment:
    return Attachment.objects.create(file=file, name=entry.client_name, size=entry.client_size)


class Profile(LiveView):
    template_name = "pages/profile.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Profile"
        self.avatar_url = ""
        self.attachments = await self.recent()
        self.allow_upload(
            "avatar",
            accept=[".png", ".jpg", ".jpeg", ".gif", ".webp"],
            max_file_size=2_000_000,
            auto_upload=True,
            progress=self.avatar_progress,
        )
        self.allow_upload(
            "attachments",
            accept=[".pdf", ".txt", ".md", "image/*"],
            max_entries=5,
            max_file_size=20_000_000,
        )

    async def recent(self) -> list[Attachment]:
        return [a async for a in Attachment.objects.all()[:10]]

    def avatar_progress(self, name: str, entry: UploadEntry) -> None:
        if entry.done:
            self.avatar_url = self.consume_uploaded_entry(entry, store_avatar)

    @event
    async def validate(self) -> None:
        self.mark_changed("uploads")

    @event
    async def cancel(self, params: dict[str, Any]) -> None:
        self.cancel_upload(params["upload"], params["ref"])

    @event
    def save(self) -> None:  # the ORM and the storage block: a plain def runs in a thread
        self.consume_uploaded_entries("attachments", attach)
        self.attachments = list(Attachment.objects.all()[:10])
