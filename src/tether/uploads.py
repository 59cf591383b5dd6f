"""Uploads: files chosen in the browser, sent in chunks, handed to Django's storage.

The view declares an upload in ``mount`` (``allow_upload("avatar", accept=[...])``)
and renders its input with ``{% live_file_input uploads.avatar %}``. From
there the pinned Phoenix client does the work: a ``phx-change`` event says
which files were chosen (``uploads`` in the payload), a preflight
(``allow_upload`` on the view's topic) gets one signed token per valid entry,
and each file then streams over an upload channel of its own (``lvu:<ref>``)
as binary chunks, each acknowledged, with ``progress`` events on the view's
topic. ``live/uploads.py`` is that runtime; this module is the view's side.

Where the state lives, and why: in the assign ``uploads`` (an ``Uploads``,
a dict by upload name), so templates read ``uploads.avatar.entries`` and
re-render when an entry changes like any other assign. It is frozen with
the view, without its entries (``upload_config.py``): a file in flight never
survives a freeze, a reconnect or a move to another process; the client
clears its chosen files when it rejoins (docs/uploads.md).

Trust: everything the client says of a file (name, size, type) is checked
here before a token is signed, and the runtime checks it again against the
bytes: a file that grows past its declared size is stopped and removed.

``consume_uploaded_entries`` hands each finished file to a function as a
Django ``File`` (``default_storage.save(name, file)`` or a ``FileField``
takes it as it is) and removes the temporary file afterwards.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from django.core.files import File

from tether import protocol
from tether.assigns import Assigns
from tether.conf import setting
from tether.errors import EventError, UploadError
from tether.upload_config import MESSAGES, UploadConfig, UploadEntry, UploadMessage

__all__ = ["UploadConfig", "UploadEntry", "Uploads", "UploadsMixin", "upload_errors"]

#: The template name that holds a view's uploads: ``{% live_file_input uploads.avatar %}``.
UPLOADS = "uploads"
# The sign function the runtime lends a preflight: (config ref, entry ref) -> token.
Signer = Callable[[str, str], str]


class Uploads(dict[str, UploadConfig]):
    """A view's uploads by name; ``uploads.avatar`` reads like ``uploads["avatar"]``."""

    def __getattr__(self, name: str) -> UploadConfig:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no upload named {name!r}: allow_upload() it first") from None

    def by_ref(self, ref: object) -> UploadConfig | None:
        return next((c for c in self.values() if c.ref == ref), None)


def upload_errors(upload: UploadConfig, entry: UploadEntry | None = None) -> list[UploadMessage]:
    """The readable errors of the whole upload ("Too many files"), or of one entry."""
    return upload.errors if entry is None else entry.errors


class UploadsMixin(Assigns):
    """The upload methods of ``LiveView``."""

    def _uploads(self) -> Uploads:
        found = self.__dict__.get(UPLOADS)
        if not isinstance(found, Uploads):
            found = Uploads()
            setattr(self, UPLOADS, found)
        return found

    def _upload(self, name: str) -> UploadConfig:
        config = self._uploads().get(name)
        if config is None:
            raise UploadError(f"no upload named {name!r}: call self.allow_upload({name!r}, ...)")
        return config

    # -- the API ----------------------------------------------------------------------

    def allow_upload(
        self,
        name: str,
        *,
        accept: Sequence[str] | str,
        max_entries: int = 1,
        max_file_size: int = 8_000_000,
        chunk_size: int = 64_000,
        chunk_timeout: float | None = None,
        auto_upload: bool = False,
        progress: Callable[..., Any] | None = None,
        external: Callable[..., Any] | None = None,
    ) -> UploadConfig:
        """Accept files under ``name``: ``accept`` lists extensions and MIME types
        (``[".png", "image/*"]``) or is ``"any"``. ``progress(name, entry)`` runs on
        every progress report; ``external(entry)`` returns the metadata of a
        client-side uploader (``{"uploader": "S3", "url": ...}``) for uploads that
        never pass through this server. Allowing a name again replaces it."""
        limits = setting("UPLOADS")
        for label, value, cap in (
            ("max_entries", max_entries, limits["MAX_ENTRIES"]),
            ("max_file_size", max_file_size, limits["MAX_FILE_SIZE"]),
            ("chunk_size", chunk_size, limits["MAX_CHUNK_SIZE"]),
        ):
            if not isinstance(value, int) or not 0 < value <= int(cap):
                raise UploadError(f"upload {name!r}: {label} must be between 1 and {cap}")
        uploads = self._uploads()
        previous = uploads.get(name)
        if previous is not None and previous.active():
            raise UploadError(
                f"upload {name!r} has entries: consume or cancel them before allowing it again"
            )
        config = UploadConfig(
            name=name,
            accept=accept,
            max_entries=max_entries,
            max_file_size=max_file_size,
            chunk_size=chunk_size,
            chunk_timeout=float(chunk_timeout or limits["CHUNK_TIMEOUT"]),
            auto_upload=auto_upload,
            progress=self._by_name(progress),
            external=self._by_name(external),
        )
        uploads[name] = config
        self.mark_changed(UPLOADS)
        return config

    def disallow_upload(self, name: str) -> None:
        if self._upload(name).active():
            raise UploadError(f"upload {name!r} has entries: consume or cancel them first")
        del self._uploads()[name]
        self.mark_changed(UPLOADS)

    def cancel_upload(self, name: str, ref: str) -> None:
        """Drop the entry ``ref``: its upload stops and its temporary file is removed."""
        config = self._upload(name)
        entry = config.entry(ref)
        if entry is None:
            raise UploadError(f"upload {name!r} has no entry {ref!r}")
        config.drop(entry)
        self.mark_changed(UPLOADS)

    def uploaded_entries(self, name: str) -> tuple[list[UploadEntry], list[UploadEntry]]:
        """The entries of ``name`` that are done, and those still in progress."""
        entries = self._upload(name).entries
        return [e for e in entries if e.done], [e for e in entries if not e.done]

    def consume_uploaded_entries(
        self, name: str, fn: Callable[[File[bytes], UploadEntry], Any]
    ) -> list[Any]:
        """Call ``fn(file, entry)`` for each finished file, then remove it; returns the results.

        Raises ``UploadError`` while any entry is still in progress."""
        done, pending = self.uploaded_entries(name)
        if pending:
            raise UploadError(f"upload {name!r} has entries in progress: nothing consumed")
        return [self.consume_uploaded_entry(entry, fn) for entry in done]

    def consume_uploaded_entry(
        self, entry: UploadEntry, fn: Callable[[File[bytes], UploadEntry], Any]
    ) -> Any:
        """Call ``fn(file, entry)`` for one finished file, then remove it.

        External uploads have no file here: ``fn`` gets ``None`` and reads ``entry.meta``."""
        config = self._upload(entry.upload_config)
        if not entry.done:
            raise UploadError(f"entry {entry.client_name!r} is still in progress")
        try:
            received = entry.received
            if received is None:
                return fn(None, entry)  # type: ignore[arg-type]  # external: nothing received here
            with open(received.path, "rb") as handle:
                return fn(File(handle, name=entry.client_name), entry)
        finally:
            config.drop(entry)
            self.mark_changed(UPLOADS)

    def upload_errors(self, name: str, entry: UploadEntry | None = None) -> list[UploadMessage]:
        return upload_errors(self._upload(name), entry)

    def _by_name(self, fn: Callable[..., Any] | None) -> Callable[..., Any] | str | None:
        # A bound method of this view is kept by name: the config pickles without the view.
        if inspect.ismethod(fn) and fn.__self__ is self:
            return fn.__name__
        return fn

    def _callback(self, fn: Callable[..., Any] | str | None) -> Callable[..., Any] | None:
        return getattr(self, fn) if isinstance(fn, str) else fn

    # -- what the runtime calls, one step of the session at a time ------------------------

    def uploads_active(self) -> bool:
        found = self.__dict__.get(UPLOADS)
        return isinstance(found, Uploads) and any(c.active() for c in found.values())

    def upload_entries_chosen(self, payload: object) -> None:
        """A form event's ``uploads``: ``{config ref: [client entries]}``."""
        if not isinstance(payload, dict) or not payload:
            return
        for ref, entries in payload.items():
            config = self._uploads().by_ref(ref)
            if config is not None:  # a stale input, after disallow_upload: ignored
                config.put_entries(entries)
                self.mark_changed(UPLOADS)

    def upload_preflight(self, payload: object, sign: Signer) -> dict[str, Any]:
        """``allow_upload`` from the client: the reply, with one token per valid entry
        (or, for a form that may not upload as it is, the errors only)."""
        ref = payload.get(protocol.UPLOAD_REF) if isinstance(payload, dict) else None
        config = self._uploads().by_ref(ref)
        if config is None or not isinstance(payload, dict):
            raise EventError(f"no upload with ref {ref!r}")
        raw = payload.get(protocol.UPLOAD_ENTRIES)
        config.put_entries(raw)
        self.mark_changed(UPLOADS)
        refs = (
            {e.get(protocol.UPLOAD_REF) for e in raw if isinstance(e, dict)}
            if isinstance(raw, list)
            else set()
        )
        invalid = bool(config.codes) or any(e.codes for e in config.entries if e.ref in refs)
        if invalid and not config.auto_upload:
            errors = [[config.ref, code] for code in config.codes]
            errors += [[e.ref, c] for e in config.entries if e.ref in refs for c in e.codes]
            return {protocol.UPLOAD_REF: config.ref, protocol.UPLOAD_ERROR: errors}
        entries: dict[str, Any] = {}
        errors_by_ref: dict[str, list[str]] = {}
        for index, entry in enumerate(config.entries):
            if entry.ref not in refs or entry.preflighted or index >= config.max_entries:
                continue
            if not entry.valid:
                errors_by_ref[entry.ref] = list(entry.codes)
                continue
            entry.preflighted = True
            external = self._callback(config.external)
            if external is None:
                entries[entry.ref] = sign(config.ref, entry.ref)
            else:
                meta = external(entry)
                if not isinstance(meta, dict) or protocol.UPLOADER not in meta:
                    raise UploadError(
                        f"upload {config.name!r}: external() must return a dict with 'uploader'"
                    )
                entry.meta = meta
                entries[entry.ref] = meta
        return {
            protocol.UPLOAD_REF: config.ref,
            protocol.UPLOAD_CONFIG: config.client_config(),
            protocol.UPLOAD_ENTRIES: entries,
            protocol.UPLOAD_ERRORS: errors_by_ref,
        }

    def upload_progress(self, payload: object) -> tuple[UploadConfig, UploadEntry] | None:
        """A ``progress`` report: a percentage, or ``{"error": reason}`` from the client."""
        if not isinstance(payload, dict):
            raise EventError("malformed progress payload")
        config = self._uploads().by_ref(payload.get(protocol.UPLOAD_REF))
        entry = config.entry(payload.get(protocol.UPLOAD_ENTRY_REF)) if config else None
        if config is None or entry is None:
            return None  # cancelled meanwhile: the report is late, not wrong
        value = payload.get(protocol.UPLOAD_PROGRESS)
        if isinstance(value, dict):
            # The upload failed on the client's side (an external uploader, or a chunk
            # the server refused): the entry keeps the reason until it is cancelled.
            reason = value.get(protocol.UPLOAD_ERROR)
            code = reason if reason in MESSAGES else protocol.UPLOAD_EXTERNAL_FAILURE
            if code not in entry.codes:
                entry.codes.append(code)
            entry.valid = False
        elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100:
            received = entry.received
            # The client reports; the server's own byte count decides when a file is done.
            complete = config.external is not None or (received is not None and received.complete)
            entry.progress = value if complete or value < 100 else 99
            entry.done = entry.progress == 100
        else:
            raise EventError("progress must be 0 to 100 or an error")
        self.mark_changed(UPLOADS)
        return config, entry

    def upload_callback(self, config: UploadConfig) -> Callable[..., Any] | None:
        return self._callback(config.progress)
