"""The upload page the conformance and browser tests drive (tests/conformance/).

One Django live view re-creates the situations Phoenix LiveView's upload
scenarios check; the query string picks the variant: ``auto`` (uploads start
as soon as files are chosen), ``max=<n>`` entries, ``accept=image`` (images
instead of text files), ``size=<bytes>`` (the largest file), ``disabled``
(the input starts disabled), ``required``, ``external`` (files go to object
storage from the browser, with what ``presign`` returns). Saved files go to Django's
``default_storage`` under ``lab/`` and are listed as links.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest

from tether import LiveView, event
from tether.uploads import UploadEntry


def save(file: File[bytes] | None, entry: UploadEntry) -> str:
    """Store one finished file; the storage picks a free name. An external upload
    is stored elsewhere already: its key is in the metadata ``presign`` gave it."""
    if file is None:
        return str(entry.meta["key"])
    return str(default_storage.save(f"lab/{entry.client_name}", file))


def presign(entry: UploadEntry) -> dict[str, Any]:
    """What a client-side uploader needs to send ``entry`` straight to object storage
    (a real one would sign a URL with the storage's SDK)."""
    key = f"external/{entry.ref}-{entry.client_name}"
    return {"uploader": "Example", "url": f"https://storage.invalid/{key}", "key": key}


class UploadLab(LiveView):
    template_name = "pages/uploads/lab.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        query = request.GET
        self.media_url = settings.MEDIA_URL
        self.uploaded: list[str] = []
        self.submitted = ""
        self.submit_count = 0
        self.all_uploaded = False
        self.disabled = "disabled" in query
        self.required = "required" in query
        self.input_class = "initial-class"
        accept = ["image/*"] if query.get("accept") == "image" else [".txt", ".md"]
        self.allow_upload(
            "avatar",
            accept=accept,
            max_entries=int(query.get("max", "2")),
            max_file_size=int(query.get("size", "8000000")),
            auto_upload="auto" in query,
            progress=self.on_progress,
            external=presign if "external" in query else None,
        )

    async def on_progress(self, name: str, entry: UploadEntry) -> None:
        entries = self.uploads.avatar.entries
        self.all_uploaded = bool(entries) and all(e.done for e in entries)

    @event
    async def validate(self) -> None:
        self.mark_changed("uploads")

    @event
    async def cancel(self, params: dict[str, Any]) -> None:
        self.cancel_upload("avatar", params["ref"])
        self.all_uploaded = False

    @event
    def save(self) -> None:  # a plain def: storage is blocking I/O, so it runs in a thread
        names = [e.client_name for e in self.uploads.avatar.entries]
        saved = self.consume_uploaded_entries("avatar", save)
        self.uploaded = [*self.uploaded, *saved]
        self.submitted = ",".join(names)
        self.submit_count += 1

    @event
    async def toggle_disabled(self) -> None:
        self.disabled = not self.disabled

    @event
    async def toggle_class(self) -> None:
        self.input_class = (
            "updated-class" if self.input_class == "initial-class" else "initial-class"
        )
