"""Event payloads decode as the pinned client sends them (recorded from 1.2.12)."""

from __future__ import annotations

import pytest

from tether.errors import EventError
from tether.live.payloads import event_params


def test_form_target_sent_as_a_string_reaches_the_params() -> None:
    # Client 1.2.12 sends meta {"_target": "name"}: a string, not a list.
    params = event_params("form", "name=ada&email=", {"_target": "name"})
    assert params["_target"] == "name"
    assert params["name"] == "ada"


def test_form_meta_values_are_merged_into_the_params() -> None:
    # A form's phx-value-* attributes travel in meta, as in Phoenix.
    params = event_params("form", "q=tea", {"_target": "q", "scope": "all"})
    assert params["scope"] == "all"
    assert params["q"] == "tea"


@pytest.mark.parametrize("meta", ["_target", ["q"], 3])
def test_malformed_meta_is_an_event_error_not_a_crash(meta: object) -> None:
    with pytest.raises(EventError, match="meta"):
        event_params("form", "q=tea", meta)


def test_a_form_with_too_many_fields_is_refused_like_django_refuses_it() -> None:
    body = "&".join(f"f{n}=x" for n in range(1001))
    with pytest.raises(EventError, match="form refused"):
        event_params("form", body, {})


def test_click_values_pass_through_and_none_becomes_empty() -> None:
    assert event_params("click", {"id": "3"}, None) == {"id": "3"}
    assert event_params("click", None, None) == {}
