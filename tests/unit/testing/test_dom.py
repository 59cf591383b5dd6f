"""The test client reads forms and elements as the browser's client does."""

from __future__ import annotations

from urllib.parse import parse_qsl

from bs4 import BeautifulSoup, Tag

from tether.testing.dom import element_meta, form_value
from tether.validation import unused_key

FORM = """<form id="f" phx-change="v" phx-value-step="2">
  <input type="hidden" name="token" value="t">
  <input name="name" value="">
  <input type="checkbox" name="agree" value="yes">
  <select name="plan">
    <option value="free">Free</option><option value="pro" selected>Pro</option>
  </select>
  <textarea name="bio">hi</textarea>
  <input name="off" value="x" disabled>
  <button type="submit" name="go" value="1">Go</button>
</form>"""


def tag(html: str, selector: str) -> Tag:
    found = BeautifulSoup(html, "html.parser").select_one(selector)
    assert found is not None
    return found


def test_a_change_marks_untouched_visible_fields_unused_in_document_order() -> None:
    value = form_value(tag(FORM, "form"), {"name": "Al"}, used={"name"})
    assert parse_qsl(value, keep_blank_values=True) == [
        ("token", "t"),
        ("name", "Al"),
        ("_unused_plan", ""),
        ("plan", "pro"),
        ("_unused_bio", ""),
        ("bio", "hi"),
    ]


def test_a_submit_sends_every_field_as_used() -> None:
    value = form_value(tag(FORM, "form"), {"agree": "yes"}, used=None)
    assert parse_qsl(value, keep_blank_values=True) == [
        ("token", "t"),
        ("name", ""),
        ("agree", "yes"),
        ("plan", "pro"),
        ("bio", "hi"),
    ]


def test_unused_prefix_goes_on_the_last_segment_of_a_nested_name() -> None:
    assert unused_key("email") == "_unused_email"
    assert unused_key("user[email]") == "user[_unused_email]"
    assert unused_key("tags[]") == "_unused_tags[]"


def test_a_button_click_carries_its_value_and_a_div_does_not() -> None:
    assert element_meta(tag('<button phx-value-id="3">x</button>', "button")) == {
        "id": "3",
        "value": "",
    }
    assert element_meta(tag('<div phx-value-id="3">x</div>', "div")) == {"id": "3"}
    unchecked = tag('<input type="checkbox" value="on" phx-value-a="b">', "input")
    assert element_meta(unchecked) == {"a": "b"}
