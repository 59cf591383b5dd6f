"""``{% live_file_input uploads.avatar %}`` and ``{% live_img_preview entry %}``.

The pinned client finds an upload's file input by its attributes: the
upload's ref (also its id, which a drop target names in ``phx-drop-target``
and a preview in ``data-phx-upload-ref``), the refs of its active, done,
preflighted and failed entries, and the built-in hook that reports them.
These tags render exactly those, plus any attributes given as keywords
(``class="..." disabled=locked``; ``_`` becomes ``-``, ``True`` renders the
bare attribute, ``False`` and ``None`` leave it out).

Both are simple tags: the live template compiler makes each a slot that
reads only its arguments, so the input is rendered again when ``uploads`` or
one of its keyword values changes, and never otherwise.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tether import protocol
from tether.upload_config import UploadConfig, UploadEntry

library = template.Library()


def _attrs(pairs: list[tuple[str, Any]]) -> SafeString:
    shown = [(name.replace("_", "-"), value) for name, value in pairs]
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in shown
            if value is not False and value is not None
        ),
    )


def _refs(entries: list[UploadEntry], wanted: str | None = None) -> str:
    return ",".join(e.ref for e in entries if wanted is None or getattr(e, wanted))


@library.simple_tag
def live_file_input(upload: UploadConfig, **attrs: Any) -> SafeString:
    """The file input of ``upload``, as the client's uploaders expect it."""
    if not isinstance(upload, UploadConfig):
        raise template.TemplateSyntaxError(
            f"live_file_input takes an upload (uploads.<name>), not {type(upload).__name__}"
        )
    pairs: list[tuple[str, Any]] = [
        ("id", upload.ref),
        ("type", "file"),
        ("name", upload.name),
        ("accept", upload.accept_attr or None),
        (protocol.ATTR_HOOK, protocol.HOOK_FILE_UPLOAD),
        (protocol.ATTR_UPLOAD_REF, upload.ref),
        (protocol.ATTR_ACTIVE_REFS, _refs(upload.entries)),
        (protocol.ATTR_DONE_REFS, _refs(upload.entries, "done")),
        (protocol.ATTR_PREFLIGHTED_REFS, _refs(upload.entries, "preflighted")),
        (protocol.ATTR_ERROR_REFS, ",".join(dict.fromkeys(upload.error_refs)) or None),
        (protocol.ATTR_AUTO_UPLOAD, upload.auto_upload or None),
        ("multiple", upload.max_entries > 1),
    ]
    reserved = {name for name, _ in pairs if name != "multiple"}
    pairs += [(k, v) for k, v in attrs.items() if k.replace("_", "-") not in reserved]
    return format_html("<input{}>", _attrs(pairs))


@library.simple_tag
def live_img_preview(entry: UploadEntry, **attrs: Any) -> SafeString:
    """An ``<img>`` that shows the chosen file itself, read in the browser (no upload needed)."""
    if not isinstance(entry, UploadEntry):
        raise template.TemplateSyntaxError("live_img_preview takes an upload entry")
    pairs: list[tuple[str, Any]] = [
        ("id", attrs.pop("id", None) or f"phx-preview-{entry.ref}"),
        (protocol.ATTR_UPLOAD_REF, entry.upload_ref),
        (protocol.ATTR_ENTRY_REF, entry.ref),
        (protocol.ATTR_HOOK, protocol.HOOK_IMG_PREVIEW),
        (protocol.ATTR_UPDATE, "ignore"),
        *attrs.items(),
    ]
    return format_html("<img{}>", _attrs(pairs))
