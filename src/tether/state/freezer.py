"""Freezing a view's state into signed bytes, and thawing it back (pure).

The blob is a pickle of the view's assigns and what the session needs to
continue (URL, flash, topics, presence), signed by ``tether.signing`` for the
purpose ``tether.state`` (current ``SECRET_KEY``, verified against the
fallbacks too; the reason is in that module). Unpickling happens only after
the signature checks out, and the thawed state must name the same view,
element and user as the join.
"""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field
from typing import Any

from tether.errors import BadSignature, FreezeError, ThawRefused
from tether.signing import Signer
from tether.state import forms

VERSION = 1
_signer = Signer("tether.state")


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
    # The view's live components (``ComponentSet.freeze()``), None without any.
    components: Any = None


def freeze(state: Frozen, *, transient: tuple[str, ...] = ()) -> bytes:
    assigns = {k: v for k, v in state.assigns.items() if k not in transient}
    state.assigns = assigns
    state.frozen_at = time.time()
    try:
        body = forms.dumps((VERSION, state))
    except Exception:
        # Find the attribute to blame: the report must name it.
        for name, value in assigns.items():
            try:
                forms.dumps(value)
            except Exception as exc:
                raise FreezeError(state.view.rsplit(".", 1)[-1], name, str(exc)) from None
        raise
    return _signer.sign(body)


def thaw(blob: bytes, *, view: str, element_id: str, user_id: str | None, max_age: float) -> Frozen:
    try:
        body = _signer.unsign(blob)
    except BadSignature:
        raise ThawRefused("bad signature") from None
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
