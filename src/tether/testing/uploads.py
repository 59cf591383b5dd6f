"""Uploading files from a test, over the same frames the browser sends.

``LiveViewTest.upload(form, name, files)`` chooses the files in the form's
``{% live_file_input %}`` (a ``phx-change`` with ``uploads``), asks for the
preflight (``allow_upload``), and sends each accepted file over its upload
channel as binary ``chunk`` pushes of the upload's ``chunk_size``, reporting
``progress`` after each acknowledged chunk, as the pinned client's
``EntryUploader`` does. The result says, per file name, what happened.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bs4 import Tag

from tether import protocol
from tether.errors import LiveTestError
from tether.testing import pushes
from tether.testing.channel import Channel

#: (file name, its bytes, its MIME type), as a browser's ``File`` knows it.
FileSpec = tuple[str, bytes, str]
# Entry refs count up over the page's life, as the client's do.
_refs = itertools.count()

Send = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
Request = Callable[[str, Any], Awaitable[dict[str, Any]]]


@dataclass
class UploadResult:
    """What came of ``upload()``: the preflight's reply and each file's fate."""

    preflight: dict[str, Any] = field(default_factory=dict)
    #: file name -> "ok" (sent whole), "external" (the preflight named a client-side
    #: uploader, taken to succeed), or the reason it stopped.
    outcome: dict[str, str] = field(default_factory=dict)
    #: file name -> every progress percentage reported, in order.
    progress: dict[str, list[int]] = field(default_factory=dict)


def file_input(form: Tag, name: str) -> Tag:
    found = form.select(f'input[type="file"][name="{name}"][{protocol.ATTR_UPLOAD_REF}]')
    if len(found) != 1:
        raise LiveTestError(f"no single live_file_input named {name!r} in the form")
    return found[0]


def client_entries(files: Sequence[FileSpec]) -> list[dict[str, Any]]:
    return [
        {
            protocol.ENTRY_PATH: "",
            protocol.UPLOAD_REF: str(next(_refs)),
            protocol.ENTRY_LAST_MODIFIED: 0,
            protocol.ENTRY_NAME: name,
            protocol.ENTRY_RELATIVE_PATH: "",
            protocol.ENTRY_TYPE: kind,
            protocol.ENTRY_SIZE: len(data),
        }
        for name, data, kind in files
    ]


def choose(form: Tag, event: str, name: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``phx-change`` the browser sends when files are chosen in the input."""
    config_ref = str(file_input(form, name)[protocol.ATTR_UPLOAD_REF])
    for entry in entries:
        entry[protocol.ENTRY_PATH] = name
    payload = pushes.form_change(form, event, {}, name, {name})
    payload[protocol.UPLOADS] = {config_ref: entries}
    return payload


async def send_files(
    channel: Channel,
    request: Request,
    config_ref: str,
    files: Sequence[FileSpec],
    entries: list[dict[str, Any]],
    *,
    timeout: float = 10.0,
) -> UploadResult:
    """The preflight, then every accepted file over its own upload channel."""
    result = UploadResult()
    preflight = {protocol.UPLOAD_REF: config_ref, protocol.UPLOAD_ENTRIES: entries}
    reply = await request(protocol.ALLOW_UPLOAD, preflight)
    response: dict[str, Any] = reply.get(protocol.REPLY_RESPONSE, {})
    result.preflight = response
    if reply.get(protocol.REPLY_STATUS) != protocol.STATUS_OK:
        raise LiveTestError(f"allow_upload refused: {response}")
    for error_ref, reason in response.get(protocol.UPLOAD_ERROR) or []:
        for (name, _data, _kind), entry in zip(files, entries, strict=True):
            if error_ref in (entry[protocol.UPLOAD_REF], config_ref):
                result.outcome.setdefault(name, str(reason))
    tokens = response.get(protocol.UPLOAD_ENTRIES) or {}
    chunk_size = int(
        (response.get(protocol.UPLOAD_CONFIG) or {}).get(protocol.CONFIG_CHUNK_SIZE, 64_000)
    )
    for (name, data, _kind), entry in zip(files, entries, strict=True):
        ref = entry[protocol.UPLOAD_REF]
        token = tokens.get(ref)
        if token is None:
            result.outcome.setdefault(name, "not preflighted")
            continue
        seen = result.progress.setdefault(name, [])
        if isinstance(token, dict):
            # An external upload: the client's own uploader sends it elsewhere, then
            # reports progress; here it succeeds at once.
            seen.append(100)
            await request(protocol.PROGRESS, progress(config_ref, ref, 100))
            result.outcome[name] = "external"
            continue
        outcome = await send_one(
            channel, request, config_ref, ref, token, data, chunk_size, seen, timeout
        )
        result.outcome[name] = outcome
    return result


async def join_upload(
    channel: Channel, ref: str, token: Any, *, timeout: float
) -> tuple[str, dict[str, Any]]:
    """Join ``lvu:<ref>`` with ``token``; (join ref, the reply's payload)."""
    topic = protocol.LVU_TOPIC_PREFIX + ref
    join_ref = channel.next_ref()
    text = protocol.encode(
        join_ref, join_ref, topic, protocol.PHX_JOIN, {protocol.UPLOAD_TOKEN: token}
    )
    return join_ref, await channel.send_on(join_ref, text, timeout=timeout)


async def push_chunk(
    channel: Channel, ref: str, join_ref: str, data: bytes, *, timeout: float
) -> dict[str, Any]:
    """One binary ``chunk`` push on ``lvu:<ref>``; the reply's payload."""
    topic = protocol.LVU_TOPIC_PREFIX + ref
    chunk_ref = channel.next_ref()
    frame = protocol.encode_binary(join_ref, chunk_ref, topic, protocol.CHUNK, data)
    return await channel.send_on(chunk_ref, frame, timeout=timeout)


async def send_one(
    channel: Channel,
    request: Request,
    config_ref: str,
    ref: str,
    token: Any,
    data: bytes,
    chunk_size: int,
    seen: list[int],
    timeout: float,
) -> str:
    join_ref, joined = await join_upload(channel, ref, token, timeout=timeout)
    if joined.get(protocol.REPLY_STATUS) != protocol.STATUS_OK:
        return str(joined.get(protocol.REPLY_RESPONSE, {}).get(protocol.REASON))
    sent, last = 0, -1
    while sent < len(data):
        piece = data[sent : sent + chunk_size]
        reply = await push_chunk(channel, ref, join_ref, piece, timeout=timeout)
        if reply.get(protocol.REPLY_STATUS) != protocol.STATUS_OK:
            reason = str(reply.get(protocol.REPLY_RESPONSE, {}).get(protocol.REASON))
            await request(
                protocol.PROGRESS, progress(config_ref, ref, {protocol.UPLOAD_ERROR: reason})
            )
            return reason
        sent += len(piece)
        percent = sent * 100 // len(data)
        if percent > last:  # the client reports whole percentages, each once
            last = percent
            seen.append(percent)
            await request(protocol.PROGRESS, progress(config_ref, ref, percent))
    return "ok"


def progress(config_ref: str, ref: str, value: Any) -> dict[str, Any]:
    return {
        protocol.EVENT_NAME: None,
        protocol.UPLOAD_REF: config_ref,
        protocol.UPLOAD_ENTRY_REF: ref,
        protocol.UPLOAD_PROGRESS: value,
    }
