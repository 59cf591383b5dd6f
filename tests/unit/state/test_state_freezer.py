from __future__ import annotations

import threading
import time
from typing import Any
from unittest.mock import patch

import pytest

from tether.state import FreezeError, Frozen, ThawRefused, freeze, thaw

VIEW = "pages.views.Counter"
OLD_KEY = "old-secret-key-" + "o" * 40
NEW_KEY = "new-secret-key-" + "n" * 40


def state(**assigns: Any) -> Frozen:
    return Frozen(
        view=VIEW,
        element_id="phx-abc",
        user_id="7",
        url="http://localhost/counter?x=1",
        assigns=assigns or {"count": 3, "items": [1, 2]},
        flash={"info": "Saved"},
        topics=["room:1"],
        presences=[("room:1", "ann", {"tab": 1})],
    )


def thaw_as(blob: bytes, **overrides: Any) -> Frozen:
    kwargs: dict[str, Any] = {
        "view": VIEW,
        "element_id": "phx-abc",
        "user_id": "7",
        "max_age": 60,
    }
    kwargs.update(overrides)
    return thaw(blob, **kwargs)


def test_round_trip() -> None:
    thawed = thaw_as(freeze(state()))
    assert thawed.assigns == {"count": 3, "items": [1, 2]}
    assert thawed.url == "http://localhost/counter?x=1"
    assert thawed.flash == {"info": "Saved"}
    assert thawed.topics == ["room:1"]
    assert thawed.presences == [("room:1", "ann", {"tab": 1})]
    assert abs(thawed.frozen_at - time.time()) < 5


def test_anonymous_round_trip() -> None:
    frozen = state()
    frozen.user_id = None
    assert thaw_as(freeze(frozen), user_id=None).assigns["count"] == 3


def test_tampered_body_is_refused() -> None:
    blob = bytearray(freeze(state()))
    blob[-5] ^= 0xFF
    with pytest.raises(ThawRefused, match="bad signature"):
        thaw_as(bytes(blob))


def test_tampered_signature_is_refused() -> None:
    blob = bytearray(freeze(state()))
    blob[0] ^= 0xFF
    with pytest.raises(ThawRefused, match="bad signature"):
        thaw_as(bytes(blob))


@pytest.mark.parametrize("blob", [b"", b"short", b"\x00" * 64])
def test_garbage_is_refused(blob: bytes) -> None:
    with pytest.raises(ThawRefused):
        thaw_as(blob)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"view": "pages.views.Other"}, "another view"),
        ({"element_id": "phx-xyz"}, "another view"),
        ({"user_id": "8"}, "another user"),
        ({"user_id": None}, "another user"),
    ],
)
def test_thaw_for_another_view_element_or_user(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ThawRefused, match=message):
        thaw_as(freeze(state()), **overrides)


def test_expired_is_refused() -> None:
    with patch("time.time", return_value=time.time() - 120):
        blob = freeze(state())
    with pytest.raises(ThawRefused, match="expired"):
        thaw_as(blob, max_age=60)
    assert thaw_as(blob, max_age=600).assigns["count"] == 3


def test_unpicklable_assign_names_view_and_attribute() -> None:
    with pytest.raises(FreezeError, match=r"Counter\.lock cannot be frozen") as info:
        freeze(state(count=1, lock=threading.Lock()))
    assert info.value.view == "Counter"
    assert info.value.attribute == "lock"
    assert "Counter.transient" in str(info.value)


def test_transient_assigns_are_left_out() -> None:
    blob = freeze(state(count=1, lock=threading.Lock()), transient=("lock",))
    assert thaw_as(blob).assigns == {"count": 1}


def test_frozen_under_an_old_key_thaws_after_rotation(settings) -> None:
    settings.SECRET_KEY = OLD_KEY
    blob = freeze(state())
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    assert thaw_as(blob).assigns["count"] == 3


def test_frozen_under_a_dropped_key_is_refused(settings) -> None:
    settings.SECRET_KEY = OLD_KEY
    blob = freeze(state())
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ThawRefused, match="bad signature"):
        thaw_as(blob)


def test_new_states_are_signed_with_the_current_key(settings) -> None:
    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    blob = freeze(state())
    settings.SECRET_KEY_FALLBACKS = []
    assert thaw_as(blob).assigns["count"] == 3
