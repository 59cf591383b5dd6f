"""tether.validation: errors shown only for the fields the user has touched."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.forms import formset_factory
from django.http import QueryDict

from tether.validation import bind_form, track_touched, tracks_touched, unused_key


class Signup(forms.Form):
    name = forms.CharField(min_length=3)
    email = forms.EmailField()
    terms = forms.BooleanField()
    when = forms.SplitDateTimeField(required=False)


class GroupForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Group
        fields = ["name"]


class Row(forms.Form):
    item = forms.CharField()
    qty = forms.IntegerField(min_value=1)


RowSet = formset_factory(Row, extra=1)

# What the pinned client sends when the user has typed "Al" in the name only.
TYPED_NAME = (
    "name=Al&_unused_email=&email=&_unused_when_0=&when_0=&_unused_when_1=&when_1=&_target=name"
)


def shown(form: forms.BaseForm) -> dict[str, list[str]]:
    return {name: list(form[name].errors) for name in form.fields if form[name].errors}


def test_the_marker_goes_on_the_last_segment_of_a_name_as_the_client_writes_it() -> None:
    assert unused_key("email") == "_unused_email"
    assert unused_key("members-0-email") == "_unused_members-0-email"
    assert unused_key("user[email]") == "user[_unused_email]"
    assert unused_key("tags[]") == "_unused_tags[]"


def test_typing_in_one_field_shows_its_errors_and_hides_the_untouched_ones() -> None:
    form = bind_form(Signup, QueryDict(TYPED_NAME))
    assert shown(form) == {"name": ["Ensure this value has at least 3 characters (it has 2)."]}
    assert form["name"].touched and not form["email"].touched
    # The form still knows the truth: only the display waits.
    assert not form.is_valid()
    assert set(form.errors) == {"name", "email", "terms"}


def test_an_unticked_checkbox_sends_nothing_and_stays_untouched_during_a_change() -> None:
    form = bind_form(Signup, QueryDict(TYPED_NAME))
    assert not form["terms"].touched
    assert "terms" not in shown(form)


def test_the_changed_input_is_touched_even_when_it_sent_no_value() -> None:
    # Unticking the box: the browser sends nothing for it, and names it the target.
    form = bind_form(Signup, QueryDict("_unused_name=&name=&_unused_email=&email=&_target=terms"))
    assert shown(form) == {"terms": ["This field is required."]}


def test_a_submit_shows_every_error() -> None:
    form = bind_form(Signup, QueryDict("name=Al&email=&when_0=&when_1="))
    assert set(shown(form)) == {"name", "email", "terms"}


def test_a_multi_widget_field_is_touched_once_any_part_is() -> None:
    data = "_unused_name=&name=&when_0=2026-13-01&_unused_when_1=&when_1=&_target=when_0"
    form = bind_form(Signup, QueryDict(data))
    assert form["when"].touched
    assert list(form["when"].errors) == ["Enter a valid date."]
    assert not bind_form(Signup, QueryDict(TYPED_NAME))["when"].touched


def test_an_untouched_field_renders_without_error_markup_or_aria_invalid() -> None:
    html = str(bind_form(Signup, QueryDict(TYPED_NAME)))
    assert "at least 3 characters" in html
    assert "This field is required" not in html
    assert html.count('aria-invalid="true"') == 1


def test_an_unbound_form_shows_nothing_and_nothing_in_it_is_touched() -> None:
    form = track_touched(Signup())
    assert not form["name"].touched and shown(form) == {}


@pytest.mark.django_db
def test_a_model_form_binds_with_its_instance() -> None:
    group = Group(name="authors")
    form = bind_form(GroupForm, QueryDict("_unused_name=&name="), instance=group)
    assert form.instance is group and tracks_touched(form)
    assert shown(form) == {}
    assert not form.is_valid()
    submitted = bind_form(GroupForm, QueryDict("name="), instance=group)
    assert shown(submitted) == {"name": ["This field is required."]}


def test_a_formset_hides_errors_of_untouched_fields_in_every_row() -> None:
    data = QueryDict(
        "form-TOTAL_FORMS=2&form-INITIAL_FORMS=0&form-MIN_NUM_FORMS=0&form-MAX_NUM_FORMS=1000"
        "&form-0-item=milk&_unused_form-0-qty=&form-0-qty="
        "&_unused_form-1-item=&form-1-item=&form-1-qty=0&_target=form-1-qty"
    )
    formset = bind_form(RowSet, data)
    assert tracks_touched(formset)
    assert [shown(form) for form in formset] == [
        {},
        {"qty": ["Ensure this value is greater than or equal to 1."]},
    ]
    assert not formset.is_valid()
    assert formset.errors[0] == {"qty": ["This field is required."]}


def test_tracking_one_formset_leaves_other_formsets_of_its_class_alone() -> None:
    data = QueryDict("form-TOTAL_FORMS=1&form-INITIAL_FORMS=0&form-0-item=x&_unused_form-0-qty=")
    track_touched(RowSet(data))
    plain = RowSet(data)
    assert not tracks_touched(plain)
    assert list(plain.forms[0]["qty"].errors) == ["This field is required."]


class Flaky(forms.Form):
    """A field whose check raises once, as the sync ORM does on the event loop."""

    code = forms.CharField(max_length=3)
    name = forms.CharField()
    calls = 0

    def clean_name(self) -> str:
        type(self).calls += 1
        if type(self).calls == 1:
            raise RuntimeError("refused here; try again in a thread")
        raise forms.ValidationError("Taken.")


def test_validation_that_raised_runs_again_in_full_the_next_time() -> None:
    # Django had marked the form validated, with the errors found before the
    # exception: the retried render showed "Taken." nowhere.
    Flaky.calls = 0
    form = bind_form(Flaky, QueryDict("code=toolong&name=x"))
    with pytest.raises(RuntimeError):
        form.errors  # noqa: B018
    assert dict(form.errors) == {
        "code": ["Ensure this value has at most 3 characters (it has 7)."],
        "name": ["Taken."],
    }


def test_a_formsets_validation_that_raised_runs_again_in_full_the_next_time() -> None:
    Flaky.calls = 0
    data = QueryDict("form-TOTAL_FORMS=1&form-INITIAL_FORMS=0&form-0-code=ab&form-0-name=x")
    formset = bind_form(formset_factory(Flaky), data)
    with pytest.raises(RuntimeError):
        formset.errors  # noqa: B018
    assert formset.errors == [{"name": ["Taken."]}]
    assert list(formset.forms[0]["name"].errors) == ["Taken."]
