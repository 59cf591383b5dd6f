from __future__ import annotations

import time
from unittest.mock import patch

import pytest

from tether.tokens import (
    ChildToken,
    InvalidToken,
    SessionToken,
    browser_key,
    same_browser,
    sign_child,
    sign_flash,
    sign_session,
    sign_static,
    verify_child,
    verify_flash,
    verify_session,
    verify_static,
)

DAY = 24 * 3600
TOKEN = SessionToken(view="pages.views.Counter", element_id="phx-abc", user_id="7")


def test_session_token_round_trips() -> None:
    assert verify_session(sign_session(TOKEN), element_id="phx-abc", max_age=DAY) == TOKEN


def test_session_token_for_anonymous_user() -> None:
    token = SessionToken(view="v.V", element_id="phx-a", user_id=None)
    assert verify_session(sign_session(token), element_id="phx-a", max_age=DAY).user_id is None


def test_session_token_is_bound_to_its_element() -> None:
    with pytest.raises(InvalidToken, match="another element"):
        verify_session(sign_session(TOKEN), element_id="phx-other", max_age=DAY)


@pytest.mark.parametrize("value", [None, 42, "", "garbage", "a:b:c"])
def test_session_token_forged_or_missing(value: object) -> None:
    with pytest.raises(InvalidToken):
        verify_session(value, element_id="phx-abc", max_age=DAY)


def test_session_token_tampered() -> None:
    signed = sign_session(TOKEN)
    tampered = ("A" if signed[0] != "A" else "B") + signed[1:]
    with pytest.raises(InvalidToken, match="bad signature"):
        verify_session(tampered, element_id="phx-abc", max_age=DAY)


def test_session_token_signed_with_another_key(settings) -> None:
    signed = sign_session(TOKEN)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(InvalidToken, match="bad signature"):
        verify_session(signed, element_id="phx-abc", max_age=DAY)


def test_static_token_is_not_a_session_token() -> None:
    # Salts keep one kind of token from passing for another.
    with pytest.raises(InvalidToken):
        verify_session(sign_static("phx-abc"), element_id="phx-abc", max_age=DAY)


def test_session_token_expired() -> None:
    with patch("time.time", return_value=time.time() - 2 * DAY):
        signed = sign_session(TOKEN)
    with pytest.raises(InvalidToken, match="expired"):
        verify_session(signed, element_id="phx-abc", max_age=DAY)


def test_static_token_round_trips() -> None:
    signed = sign_static("phx-abc", {"assets": "v1"})
    assert verify_static(signed, element_id="phx-abc", max_age=DAY) == {"assets": "v1"}
    assert verify_static(sign_static("phx-abc"), element_id="phx-abc", max_age=DAY) == {}


def test_static_token_missing_is_empty() -> None:
    assert verify_static(None, element_id="phx-abc", max_age=DAY) == {}


def test_static_token_is_bound_to_its_element() -> None:
    with pytest.raises(InvalidToken, match="another element"):
        verify_static(sign_static("phx-abc"), element_id="phx-xyz", max_age=DAY)


def test_static_token_forged_and_expired() -> None:
    with pytest.raises(InvalidToken):
        verify_static("forged", element_id="phx-abc", max_age=DAY)
    with patch("time.time", return_value=time.time() - 2 * DAY):
        signed = sign_static("phx-abc")
    with pytest.raises(InvalidToken, match="expired"):
        verify_static(signed, element_id="phx-abc", max_age=DAY)


def test_flash_round_trips() -> None:
    assert verify_flash(sign_flash({"info": "Saved"})) == {"info": "Saved"}


@pytest.mark.parametrize("value", [None, "", 3, "forged", sign_session(TOKEN)])
def test_flash_invalid_is_no_flash(value: object) -> None:
    assert verify_flash(value) == {}


def test_flash_expired_is_no_flash() -> None:
    with patch("time.time", return_value=time.time() - 120):
        signed = sign_flash({"info": "Saved"})
    assert verify_flash(signed) == {}


def test_a_session_token_knows_only_the_browser_it_was_rendered_for() -> None:
    token = SessionToken(view="v.V", element_id="phx-a", user_id=None, browser=browser_key("s1"))
    restored = verify_session(sign_session(token), element_id="phx-a", max_age=DAY)
    assert same_browser(restored.browser, "s1")
    assert not same_browser(restored.browser, "s2")
    assert not same_browser(restored.browser, None)


CHILD = ChildToken(
    view="pages.nested_views.Notifications",
    element_id="bell",
    parent_id="phx-abc",
    key="phx-abc/bell",
    user_id="7",
    browser="b" * 32,
    url="http://testserver/nested/",
    session={"owner": "ada", "limit": 3},
    sticky=False,
)


def test_child_token_round_trips_with_its_session() -> None:
    assert verify_child(sign_child(CHILD), element_id="bell", max_age=DAY) == CHILD


def test_child_token_is_bound_to_its_container_id() -> None:
    with pytest.raises(InvalidToken, match="another element"):
        verify_child(sign_child(CHILD), element_id="player", max_age=DAY)


def test_a_page_session_token_is_no_child_token() -> None:
    with pytest.raises(InvalidToken):
        verify_child(sign_session(TOKEN), element_id="phx-abc", max_age=DAY)


def test_session_token_carries_its_live_session() -> None:
    token = SessionToken(view="v.V", element_id="phx-a", user_id=None, live_session="admin")
    assert verify_session(sign_session(token), element_id="phx-a", max_age=DAY).live_session == (
        "admin"
    )


def test_a_token_signed_before_live_sessions_belongs_to_none() -> None:
    # Pages rendered by a release without live sessions keep joining after an upgrade.
    from django.core import signing

    old = signing.dumps(["v.V", "phx-a", None, ""], salt="tether.session")
    assert verify_session(old, element_id="phx-a", max_age=DAY).live_session is None
