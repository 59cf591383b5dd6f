"""What a view knows of one upload: its configuration, its entries, their errors.

``allow_upload`` builds an ``UploadConfig``; the client's form events add
``UploadEntry`` rows (what the browser says of each chosen file) and the
checks here decide which are valid: size, type and count, before a byte is
sent. The bytes themselves never come here: the runtime (``live/uploads.py``)
writes them to a temporary file and hangs a ``Received`` handle on the entry.

Pure data and rules, so it pickles with the view's frozen state; a frozen
config keeps its settings and drops its entries (``__getstate__``): a file in
flight does not survive a freeze or a move to another process.
"""

from __future__ import annotations

import mimetypes
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext

from tether import protocol
from tether.errors import EventError, UploadError

#: Readable messages for the reasons the client and server know.
MESSAGES: dict[str, str] = {
    protocol.UPLOAD_TOO_LARGE: "File is too large",
    protocol.UPLOAD_TOO_MANY_FILES: "Too many files",
    protocol.UPLOAD_NOT_ACCEPTED: "Not an accepted file type",
    protocol.UPLOAD_EXTERNAL_FAILURE: "The upload failed",
    protocol.REASON_FILE_SIZE_LIMIT: "File is too large",
    protocol.REASON_WRITER_ERROR: "The upload failed",
}
WILDCARDS = ("image/*", "audio/*", "video/*")


class UploadMessage(str):
    """A readable upload error; ``code`` is its reason (``"too_large"``...) for your own text."""

    code: str

    def __new__(cls, code: str) -> UploadMessage:
        message = super().__new__(cls, gettext(MESSAGES.get(code, "The upload failed")))
        message.code = code
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        return (UploadMessage, (self.code,))


class Received(Protocol):
    """The runtime's handle on an entry's bytes (``live/uploads.py``)."""

    path: str
    complete: bool

    def discard(self) -> None:
        """Stop the upload if it runs, and remove its temporary file."""


@dataclass(eq=False)
class UploadEntry:
    """One file the user chose. ``client_*`` is what the browser says; nothing more is known."""

    ref: str
    upload_ref: str
    upload_config: str
    client_name: str
    client_size: int
    client_type: str
    client_last_modified: int | None = None
    client_relative_path: str | None = None
    client_meta: Any = None
    progress: int = 0
    preflighted: bool = False
    done: bool = False
    valid: bool = False
    cancelled: bool = False
    #: External uploads: what ``external`` returned for this entry.
    meta: dict[str, Any] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    received: Received | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[UploadMessage]:
        return [UploadMessage(code) for code in self.codes]

    @property
    def extension(self) -> str:
        return os.path.splitext(self.client_name)[1].lower()

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "received": None}


@dataclass(eq=False)
class UploadConfig:
    """``allow_upload``'s settings and the entries chosen since."""

    name: str
    accept: Sequence[str] | str
    max_entries: int
    max_file_size: int
    chunk_size: int
    chunk_timeout: float
    auto_upload: bool
    #: A callable, or the name of a view method (bound methods are kept by name).
    progress: Callable[..., Any] | str | None
    external: Callable[..., Any] | str | None
    ref: str = field(default_factory=lambda: protocol.ID_PREFIX + secrets.token_urlsafe(9))
    entries: list[UploadEntry] = field(default_factory=list)
    #: Upload-wide errors (too many files), as reason codes.
    codes: list[str] = field(default_factory=list)
    types: frozenset[str] = frozenset()
    extensions: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.accept == "any":
            return
        if isinstance(self.accept, str) or not self.accept:
            raise UploadError(
                f"upload {self.name!r}: accept must be a list of extensions ('.png') "
                "and MIME types ('image/png', 'image/*'), or 'any'"
            )
        types, extensions = set(), set()
        for item in self.accept:
            if item.startswith("."):
                extensions.add(item.lower())
                guessed = mimetypes.guess_type("f" + item)[0]
                if guessed is None:
                    raise UploadError(f"upload {self.name!r}: no known MIME type for {item!r}")
                types.add(guessed)
            elif "/" in item:
                types.add(item.lower())
            else:
                raise UploadError(f"upload {self.name!r}: {item!r} is neither '.ext' nor a type")
        self.types, self.extensions = frozenset(types), frozenset(extensions)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "entries": [], "codes": []}

    # -- what templates read --------------------------------------------------------

    @property
    def errors(self) -> list[UploadMessage]:
        return [UploadMessage(code) for code in self.codes]

    @property
    def accept_attr(self) -> str:
        return "" if isinstance(self.accept, str) else ",".join(self.accept)

    @property
    def error_refs(self) -> list[str]:
        refs = [self.ref] if self.codes else []
        return refs + [e.ref for e in self.entries if e.codes]

    def entry(self, ref: object) -> UploadEntry | None:
        return next((e for e in self.entries if e.ref == ref), None)

    def active(self) -> bool:
        return bool(self.entries)

    # -- the rules --------------------------------------------------------------------

    def accepts(self, entry: UploadEntry) -> bool:
        if self.accept == "any":
            return True
        kind = entry.client_type.lower()
        if any(kind.startswith(w[:-1]) for w in WILDCARDS if w in self.types):
            return True
        return kind in self.types or entry.extension in self.extensions

    def too_many(self) -> bool:
        return len(self.entries) > self.max_entries

    def recount(self) -> None:
        """The upload-wide "too many files" holds exactly while there are too many."""
        if self.too_many():
            if protocol.UPLOAD_TOO_MANY_FILES not in self.codes:
                self.codes.append(protocol.UPLOAD_TOO_MANY_FILES)
        elif protocol.UPLOAD_TOO_MANY_FILES in self.codes:
            self.codes.remove(protocol.UPLOAD_TOO_MANY_FILES)

    def put_entries(self, raw: object) -> list[UploadEntry]:
        """Add what the client chose (unknown refs only); returns the new entries."""
        if not isinstance(raw, list):
            raise EventError(f"upload {self.name!r}: entries must be a list")
        if len(raw) > 1 and self.max_entries == 1:
            pass  # too many: reported below, nothing replaced
        elif len(raw) == 1 and self.max_entries == 1 and self.entry(_ref(raw[0])) is None:
            # A new single choice replaces the previous one, as a plain file input does.
            for old in list(self.entries):
                self.drop(old)
        added = []
        for item in raw:
            if self.entry(_ref(item)) is not None:
                continue
            entry = _client_entry(self, item)
            if entry.client_size > self.max_file_size:
                entry.codes.append(protocol.UPLOAD_TOO_LARGE)
            elif not self.accepts(entry):
                entry.codes.append(protocol.UPLOAD_NOT_ACCEPTED)
            entry.valid = not entry.codes
            self.entries.append(entry)
            added.append(entry)
        self.recount()
        return added

    def drop(self, entry: UploadEntry) -> None:
        """Forget ``entry`` and remove whatever of it the runtime holds."""
        if entry in self.entries:
            self.entries.remove(entry)
        entry.cancelled = True
        received, entry.received = entry.received, None
        if received is not None:
            received.discard()
        self.recount()

    def client_config(self) -> dict[str, Any]:
        return {
            protocol.CONFIG_MAX_FILE_SIZE: self.max_file_size,
            protocol.CONFIG_MAX_ENTRIES: self.max_entries,
            protocol.CONFIG_CHUNK_SIZE: self.chunk_size,
            protocol.CONFIG_CHUNK_TIMEOUT: int(self.chunk_timeout * 1000),
        }


def _ref(item: object) -> str:
    ref = item.get(protocol.UPLOAD_REF) if isinstance(item, dict) else None
    if not isinstance(ref, str) or not ref or len(ref) > 64:
        raise EventError("malformed upload entry: ref must be a short string")
    return ref


def _client_entry(config: UploadConfig, item: Any) -> UploadEntry:
    name, size, kind = (
        item.get(k) for k in (protocol.ENTRY_NAME, protocol.ENTRY_SIZE, protocol.ENTRY_TYPE)
    )
    if not isinstance(name, str) or not isinstance(kind, str):
        raise EventError("malformed upload entry: name and type must be strings")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise EventError("malformed upload entry: size must be a whole number of bytes")
    modified = item.get(protocol.ENTRY_LAST_MODIFIED)
    relative = item.get(protocol.ENTRY_RELATIVE_PATH)
    return UploadEntry(
        ref=_ref(item),
        upload_ref=config.ref,
        upload_config=config.name,
        client_name=os.path.basename(name.replace("\\", "/"))[:255],
        client_size=size,
        client_type=kind[:255],
        client_last_modified=modified if isinstance(modified, int) else None,
        client_relative_path=relative if isinstance(relative, str) else None,
        client_meta=item.get(protocol.ENTRY_META),
    )
