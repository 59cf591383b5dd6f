"""Every wire key, event name and version constant of the Phoenix protocol.

The rendered format is internal to Phoenix LiveView and changes between minor
versions, so nothing else in Tether spells these strings. Upgrading the pinned
client is a deliberate change to this module and its golden tests.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable
from typing import Any, Final

from tether.errors import MalformedFrame
from tether.types import Frame

# The client warns when the join reply names another version than its own.
LIVEVIEW_VERSION: Final = "1.2.12"
PHOENIX_VERSION: Final = "1.8.16"
SERIALIZER_VSN: Final = "2.0.0"
SOCKET_PATH: Final = "/live/websocket"

# The long-poll transport (phoenix's LongPoll, the client's fallback). Every answer
# is a JSON object: its `status` (200 with messages, 204 nothing within the poll
# timeout, 410 a new or gone connection, with the new `token`; 403 refused) and
# the frames as `messages`. A POST carries a batch of frames, one per line.
LONGPOLL_PATH: Final = "/live/longpoll"
LONGPOLL_TOKEN_PARAM: Final = "token"
LONGPOLL_STATUS: Final = "status"
LONGPOLL_TOKEN: Final = "token"
LONGPOLL_MESSAGES: Final = "messages"
LONGPOLL_OK: Final = 200
LONGPOLL_NO_CONTENT: Final = 204
LONGPOLL_GONE: Final = 410
LONGPOLL_FORBIDDEN: Final = 403
LONGPOLL_BATCH_TYPE: Final = "application/x-ndjson"
# Channel events.
PHX_JOIN: Final = "phx_join"
PHX_LEAVE: Final = "phx_leave"
PHX_REPLY: Final = "phx_reply"
PHX_ERROR: Final = "phx_error"
PHX_CLOSE: Final = "phx_close"
HEARTBEAT: Final = "heartbeat"
HEARTBEAT_TOPIC: Final = "phoenix"
LV_TOPIC_PREFIX: Final = "lv:"

# LiveView events, client to server.
EVENT: Final = "event"
LIVE_PATCH: Final = "live_patch"
CIDS_WILL_DESTROY: Final = "cids_will_destroy"
CIDS_DESTROYED: Final = "cids_destroyed"
# LiveView events, server to client; also the keys of replies that navigate.
DIFF: Final = "diff"
REDIRECT: Final = "redirect"
LIVE_REDIRECT: Final = "live_redirect"
NAVIGATIONS: Final = (LIVE_PATCH, LIVE_REDIRECT, REDIRECT)

# The client's built-in event behind phx-click="lv:clear-flash".
CLEAR_FLASH: Final = "lv:clear-flash"
# The cookie that carries a signed flash across a full-page redirect.
FLASH_COOKIE: Final = "__phoenix_flash__"

# Event types in an `event` payload.
TYPE_FORM: Final = "form"
TYPE_HOOK: Final = "hook"

# Reply statuses and join error reasons the client acts on.
STATUS_OK: Final = "ok"
STATUS_ERROR: Final = "error"
REASON_UNAUTHORIZED: Final = "unauthorized"
REASON_STALE: Final = "stale"
REASON_RELOAD: Final = "reload"
REASON_UNMATCHED_TOPIC: Final = "unmatched topic"
REASON_JOIN_CRASHED: Final = "join crashed"
# Per-connection limits (TETHER["RATE_LIMIT"], ["MAX_VIEWS_PER_SOCKET"]).
REASON_RATE_LIMITED: Final = "rate limited"
REASON_TOO_MANY_VIEWS: Final = "too many views"

# Join payload keys and connect params.
URL: Final = "url"
PARAMS: Final = "params"
SESSION: Final = "session"
STATIC_TOKEN: Final = "static"
CSRF_PARAM: Final = "_csrf_token"
MOUNTS_PARAM: Final = "_mounts"
VSN_PARAM: Final = "vsn"

# Event payload keys.
EVENT_TYPE: Final = "type"
EVENT_NAME: Final = "event"
VALUE: Final = "value"
META: Final = "meta"
TARGET: Final = "_target"
CIDS: Final = "cids"

# What the pinned client sends that the server ignores or only passes on, and
# the DOM bindings it reads them from: named so tether.testing sends the same
# shapes (checked against Chromium's frames in tests/e2e/test_client_frames.py).
MOUNT_ATTEMPTS_PARAM: Final = "_mount_attempts"
TRACK_STATIC_PARAM: Final = "_track_static"
STICKY: Final = "sticky"
CID: Final = "cid"
UPLOADS: Final = "uploads"
KEY: Final = "key"
TARGET_UNKNOWN: Final = "undefined"
UNUSED_PREFIX: Final = "_unused_"
TYPE_CLICK: Final = "click"
TYPE_KEYDOWN: Final = "keydown"
TYPE_KEYUP: Final = "keyup"
TYPE_BLUR: Final = "blur"
TYPE_FOCUS: Final = "focus"
REPLY_STATUS: Final = "status"
REPLY_RESPONSE: Final = "response"
BINDING_PREFIX: Final = "phx-"
BINDING_VALUE_PREFIX: Final = "phx-value-"
BINDING_CLICK: Final = "phx-click"
BINDING_CHANGE: Final = "phx-change"
BINDING_SUBMIT: Final = "phx-submit"
BINDING_KEYDOWN: Final = "phx-keydown"
BINDING_KEYUP: Final = "phx-keyup"
BINDING_BLUR: Final = "phx-blur"
BINDING_FOCUS: Final = "phx-focus"
BINDING_TARGET: Final = "phx-target"
BINDING_NO_UNUSED_FIELD: Final = "phx-no-unused-field"
ATTR_TRACK_STATIC: Final = "phx-track-static"
ATTR_COMPONENT: Final = "data-phx-component"
CSRF_META_NAME: Final = "csrf-token"

# Reply and diff payload keys.
REASON: Final = "reason"
REASON_TIMEOUT: Final = "timeout"
RENDERED: Final = "rendered"
DIFF_KEY: Final = "diff"
LIVEVIEW_VERSION_KEY: Final = "liveview_version"
TITLE: Final = "t"
EVENTS: Final = "e"
REPLY: Final = "r"
FLASH: Final = "flash"
TO: Final = "to"
KIND: Final = "kind"
KIND_PUSH: Final = "push"
KIND_REPLACE: Final = "replace"

# Rendered tree keys.
STATIC: Final = "s"
ROOT: Final = "r"
TEMPLATES: Final = "p"
COMPONENTS: Final = "c"
KEYED: Final = "k"
KEYED_COUNT: Final = "kc"
KEYED_MOVED: Final = "km"
STREAM: Final = "stream"

# Presence: each meta carries its entry's ref under this key, as Phoenix.Presence's do.
PRESENCE_REF: Final = "phx_ref"

# Uploads (tether/uploads.py, live/uploads.py): the preflight on the view's topic,
# one upload channel per entry (``lvu:<entry ref>``) that takes binary chunks,
# and the client's progress reports; the file input's attributes and hooks.
LVU_TOPIC_PREFIX: Final = "lvu:"
ALLOW_UPLOAD: Final = "allow_upload"
PROGRESS: Final = "progress"
CHUNK: Final = "chunk"
UPLOAD_TOKEN: Final = "token"
UPLOAD_REF: Final = "ref"
UPLOAD_ENTRY_REF: Final = "entry_ref"
UPLOAD_ENTRIES: Final = "entries"
UPLOAD_CONFIG: Final = "config"
UPLOAD_ERRORS: Final = "errors"
UPLOAD_ERROR: Final = "error"
UPLOAD_PROGRESS: Final = "progress"
UPLOAD_LIMIT: Final = "limit"
UPLOADER: Final = "uploader"
# A client entry: what the browser knows of one chosen file.
ENTRY_NAME: Final = "name"
ENTRY_SIZE: Final = "size"
ENTRY_TYPE: Final = "type"
ENTRY_LAST_MODIFIED: Final = "last_modified"
ENTRY_RELATIVE_PATH: Final = "relative_path"
ENTRY_META: Final = "meta"
ENTRY_PATH: Final = "path"
# The preflight's config, read by the client's uploaders.
CONFIG_MAX_FILE_SIZE: Final = "max_file_size"
CONFIG_MAX_ENTRIES: Final = "max_entries"
CONFIG_CHUNK_SIZE: Final = "chunk_size"
CONFIG_CHUNK_TIMEOUT: Final = "chunk_timeout"
# Reasons of upload errors, as the client and Phoenix's views know them.
UPLOAD_TOO_LARGE: Final = "too_large"
UPLOAD_TOO_MANY_FILES: Final = "too_many_files"
UPLOAD_NOT_ACCEPTED: Final = "not_accepted"
UPLOAD_EXTERNAL_FAILURE: Final = "external_client_failure"
REASON_INVALID_TOKEN: Final = "invalid_token"
REASON_ALREADY_REGISTERED: Final = "already_registered"
REASON_DISALLOWED: Final = "disallowed"
REASON_FILE_SIZE_LIMIT: Final = "file_size_limit_exceeded"
REASON_CHUNK_TOO_LARGE: Final = "chunk_size_limit_exceeded"
REASON_TOO_MANY_UPLOADS: Final = "too many uploads"
REASON_WRITER_ERROR: Final = "writer_error"
# The attributes ``{% live_file_input %}`` and ``{% live_img_preview %}`` render.
ATTR_UPLOAD_REF: Final = "data-phx-upload-ref"
ATTR_ACTIVE_REFS: Final = "data-phx-active-refs"
ATTR_DONE_REFS: Final = "data-phx-done-refs"
ATTR_PREFLIGHTED_REFS: Final = "data-phx-preflighted-refs"
ATTR_ERROR_REFS: Final = "data-phx-error-refs"
ATTR_AUTO_UPLOAD: Final = "data-phx-auto-upload"
ATTR_ENTRY_REF: Final = "data-phx-entry-ref"
ATTR_HOOK: Final = "data-phx-hook"
ATTR_UPDATE: Final = "data-phx-update"
HOOK_FILE_UPLOAD: Final = "Phoenix.LiveFileUpload"
HOOK_IMG_PREVIEW: Final = "Phoenix.LiveImgPreview"
BINDING_DROP_TARGET: Final = "phx-drop-target"

# DOM attributes of the dead render; a child view's container names its parent, a sticky one not.
ATTR_SESSION: Final = "data-phx-session"
ATTR_STATIC: Final = "data-phx-static"
ATTR_MAIN: Final = "data-phx-main"
ATTR_PARENT_ID: Final = "data-phx-parent-id"
ATTR_STICKY: Final = "data-phx-sticky"
# JS commands: the names the client executes in a phx-* attribute (tether.JS builds them).
JS_PUSH: Final = "push"
JS_NAVIGATE: Final = "navigate"
JS_PATCH: Final = "patch"
JS_SHOW: Final = "show"
JS_HIDE: Final = "hide"
JS_TOGGLE: Final = "toggle"
JS_TRANSITION: Final = "transition"
JS_ADD_CLASS: Final = "add_class"
JS_REMOVE_CLASS: Final = "remove_class"
JS_TOGGLE_CLASS: Final = "toggle_class"
JS_SET_ATTR: Final = "set_attr"
JS_REMOVE_ATTR: Final = "remove_attr"
JS_TOGGLE_ATTR: Final = "toggle_attr"
JS_DISPATCH: Final = "dispatch"
JS_EXEC: Final = "exec"
JS_FOCUS: Final = "focus"
JS_FOCUS_FIRST: Final = "focus_first"
JS_PUSH_FOCUS: Final = "push_focus"
JS_POP_FOCUS: Final = "pop_focus"
# Pushed to a page in DEBUG when its view crashes (tether/debug.js shows it).
CRASH_EVENT: Final = "tether:crash"
# Live links: the client follows an <a> with these without a page load.
ATTR_LINK: Final = "data-phx-link"
ATTR_LINK_STATE: Final = "data-phx-link-state"
LINK_PATCH: Final = "patch"
LINK_REDIRECT: Final = "redirect"
ID_PREFIX: Final = "phx-"


class Mailbox(enum.Enum):
    """What a live session's mailbox holds: one item is handled at a time, in order."""

    JOIN = "join"
    EVENT = "event"
    PATCH = "patch"
    INFO = "info"
    ASYNC = "async"
    ALLOW_UPLOAD = "allow_upload"
    PROGRESS = "progress"
    # The client's component destroy handshake: (event name, payload).
    CIDS = "cids"


# WebSocket close codes.
CLOSE_NORMAL: Final = 1000
CLOSE_GOING_AWAY: Final = 1001
CLOSE_PROTOCOL_ERROR: Final = 1002
CLOSE_UNSUPPORTED: Final = 1003
CLOSE_POLICY: Final = 1008
CLOSE_TOO_BIG: Final = 1009
CLOSE_INTERNAL_ERROR: Final = 1011
CLOSE_SERVICE_RESTART: Final = 1012
CLOSE_TRY_AGAIN: Final = 1013


# Decoding limits. The client never nests a frame deeper than a hook's payload;
# a deeper one would crash code that walks or re-encodes it further up the stack.
MAX_NESTING: Final = 64


def decode(text: str) -> Frame:
    """A V2 frame from a client's text; anything else raises ``MalformedFrame``.

    The text is hostile: Python's json recurses per level (``RecursionError``), refuses
    integers over 4300 digits (``ValueError``) and accepts ``NaN`` and ``Infinity``."""
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise MalformedFrame(f"not JSON: {exc.msg}") from None
    except RecursionError:
        raise MalformedFrame(f"nested deeper than {MAX_NESTING}") from None
    except ValueError as exc:  # an integer too long to convert, or a constant
        raise MalformedFrame(f"not JSON: {exc}") from None
    # Counting brackets is a cheap bound: most frames cannot be that deep.
    if text.count("[") + text.count("{") > MAX_NESTING and _depth(value) > MAX_NESTING:
        raise MalformedFrame(f"nested deeper than {MAX_NESTING}")
    if not isinstance(value, list) or len(value) != 5:
        raise MalformedFrame("expected a JSON array of 5 elements")
    join_ref, ref, topic, event, payload = value
    for name, part in (("join_ref", join_ref), ("ref", ref)):
        if part is not None and not isinstance(part, str):
            raise MalformedFrame(f"{name} must be a string or null")
    if not isinstance(topic, str) or not isinstance(event, str):
        raise MalformedFrame("topic and event must be strings")
    return join_ref, ref, topic, event, payload


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


# Built once: json.loads and json.dumps with options build one per call.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
dumps: Callable[[Any], str] = _ENCODER.encode


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in a decoded value, without recursing."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > MAX_NESTING:
            return depth
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in item)
    return deepest


_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """``text`` (JSON) with lone surrogates as ``\\uXXXX`` escapes: valid UTF-8, same JSON.

    Outside strings JSON is ASCII, so every surrogate here sits in a string,
    where its escape decodes to the same character."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def encode(join_ref: str | None, ref: str | None, topic: str, event: str, payload: Any) -> str:
    return dumps([join_ref, ref, topic, event, payload])


def encode_with_payload(
    join_ref: str | None, ref: str | None, topic: str, event: str, payload_json: str
) -> str:
    """A frame around an already-encoded payload: one broadcast diff is encoded once."""
    head = dumps([join_ref, ref, topic, event])
    return f"{head[:-1]},{payload_json}]"


# The phoenix binary serializer: a client's push is kind 0, then one byte each
# for the lengths of join_ref, ref, topic and event, those strings, the payload.
BINARY_PUSH: Final = 0
BINARY_PUSH_HEADER: Final = 5


def decode_binary(data: bytes) -> tuple[str | None, str | None, str, str, memoryview]:
    """A binary push from a client; its payload stays a view of ``data`` (no copy).

    Clients only send pushes (the serializer's kind 0), so a reply or broadcast
    kind, a truncated header or non-UTF-8 names raise ``MalformedFrame``."""
    if len(data) < BINARY_PUSH_HEADER:
        raise MalformedFrame("binary frame shorter than its header")
    if data[0] != BINARY_PUSH:
        raise MalformedFrame(f"binary frame of kind {data[0]}: clients send pushes only")
    offset = BINARY_PUSH_HEADER
    parts: list[str] = []
    for size in data[1:BINARY_PUSH_HEADER]:
        end = offset + size
        if end > len(data):
            raise MalformedFrame("binary frame shorter than its header says")
        try:
            parts.append(bytes(data[offset:end]).decode("utf-8"))
        except UnicodeDecodeError:
            raise MalformedFrame("binary frame names are not UTF-8") from None
        offset = end
    join_ref, ref, topic, event = parts
    return join_ref or None, ref or None, topic, event, memoryview(data)[offset:]


def encode_binary(
    join_ref: str | None, ref: str | None, topic: str, event: str, payload: bytes
) -> bytes:
    """A binary push as the client's serializer builds it (for tether.testing)."""
    names = [(join_ref or "").encode(), (ref or "").encode(), topic.encode(), event.encode()]
    if any(len(name) > 255 for name in names):
        raise ValueError("binary frame names are at most 255 bytes")
    return bytes([BINARY_PUSH, *(len(name) for name in names)]) + b"".join(names) + payload


def reply(join_ref: str | None, ref: str | None, topic: str, status: str, response: Any) -> str:
    return encode(join_ref, ref, topic, PHX_REPLY, {"status": status, "response": response})
