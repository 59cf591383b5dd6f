"""Every wire key, event name and version constant of the Phoenix protocol.

The rendered format is internal to Phoenix LiveView and changes between minor
versions, so nothing else in Tether spells these strings. Upgrading the pinned
client is a deliberate change to this module and its golden tests.
"""

from __future__ import annotations

import enum
import json
import re
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

# DOM attributes of the dead render.
ATTR_SESSION: Final = "data-phx-session"
ATTR_STATIC: Final = "data-phx-static"
ATTR_MAIN: Final = "data-phx-main"
ID_PREFIX: Final = "phx-"


class Mailbox(enum.Enum):
    """What a live session's mailbox holds: one item is handled at a time, in order."""

    JOIN = "join"
    EVENT = "event"
    PATCH = "patch"
    INFO = "info"
    ASYNC = "async"


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

    The text is hostile: Python's json recurses per level (``RecursionError``),
    refuses integers over 4300 digits (``ValueError``) and accepts ``NaN`` and
    ``Infinity``, which JSON and the browser do not.
    """
    try:
        value = json.loads(text, parse_constant=_no_constant)
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


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


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


def reply(join_ref: str | None, ref: str | None, topic: str, status: str, response: Any) -> str:
    return encode(join_ref, ref, topic, PHX_REPLY, {"status": status, "response": response})
