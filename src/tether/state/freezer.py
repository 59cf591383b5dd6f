"""Freezing a view's state into signed bytes, and thawing it back (pure).

The blob is a pickle of the view's assigns and what the session needs to
continue (URL, flash, topics, presence), prefixed by an HMAC-SHA256 keyed
from ``SECRET_KEY``. Unpickling happens only after the signature checks out,
and the thawed state must name the same view, element and user as the join.
"""

from __future__ import annotations

import hmac
import pickle
import time
from dataclasses import dataclass, field
from hashlib import sha256
from typing import Any

from django.conf import settings

from tether.errors import FreezeError, ThawRefused

VERSION = 1
_SALT = b"tether.state.v1"


@dataclass(slots=True)
class Frozen:
    view: str
    element_id: str
    user_id: str | None
    url: str
    assigns: dict[str, Any]
    flash: dict[str, str] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)
    presences: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    frozen_at: float = 0.0


def _key(secret: object = None) -> bytes:
    return sha256(_SALT + str(secret or settings.SECRET_KEY).encode()).digest()


def _keys() -> list[bytes]:
    """The current key first, then SECRET_KEY_FALLBACKS: rotating keys keeps frozen pages."""
    return [_key(), *(_key(old) for old in getattr(settings, "SECRET_KEY_FALLBACKS", ()))]


def freeze(state: Frozen, *, transient: tuple[str, ...] = ()) -> bytes:
    assigns = {k: v for k, v in state.assigns.items() if k not in transient}
    state.assigns = assigns
    state.frozen_at = time.time()
    try:
        body = pickle.dumps((VERSION, state), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        # Find the attribute to blame: the report must name it.
        for name, value in assigns.items():
            try:
                pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                raise FreezeError(state.view.rsplit(".", 1)[-1], name, str(exc)) from None
        raise
    return hmac.new(_key(), body, sha256).digest() + body


def thaw(blob: bytes, *, view: str, element_id: str, user_id: str | None, max_age: float) -> Frozen:
    signature, body = blob[:32], blob[32:]
    if not any(
        hmac.compare_digest(signature, hmac.new(key, body, sha256).digest()) for key in _keys()
    ):
        raise ThawRefused("bad signature")
    try:
        version, state = pickle.loads(body)
    except Exception as exc:
        raise ThawRefused(f"unreadable: {exc!r}") from None
    if version != VERSION or not isinstance(state, Frozen):
        raise ThawRefused("unknown format")
    if state.view != view or state.element_id != element_id:
        raise ThawRefused("frozen for another view")
    if state.user_id != user_id:
        raise ThawRefused("frozen for another user")
    if time.time() - state.frozen_at > max_age:
        raise ThawRefused("expired")
    return state
