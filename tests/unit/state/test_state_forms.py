"""A view holding Django forms freezes and thaws (issue 17, item 3)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.forms import formset_factory, modelformset_factory
from django.http import QueryDict

from teams.forms import MemberFormSet
from teams.models import Member, Team
from tether.state import Frozen, freeze, thaw
from tether.validation import bind_form, tracks_touched


class Contact(forms.Form):
    name = forms.CharField(min_length=3)
    email = forms.EmailField()


class GroupForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Group
        fields = ["name"]


class ContactSet(formset_factory(Contact, extra=2)):  # type: ignore[misc]
    """Named at module level, so a frozen state can name it (a factory's class cannot)."""


def round_trip(**assigns: object) -> dict[str, object]:
    state = Frozen(view="v.V", element_id="phx-1", user_id=None, url="/", assigns=dict(assigns))
    thawed = thaw(freeze(state), view="v.V", element_id="phx-1", user_id=None, max_age=60)
    return thawed.assigns


def test_a_bound_form_thaws_with_its_data_and_its_errors() -> None:
    form = Contact(QueryDict("name=Al&email=nope"), prefix="c")
    assert not form.is_valid()
    thawed = round_trip(form=form)["form"]
    assert isinstance(thawed, Contact) and thawed.is_bound and thawed.prefix == "c"
    assert thawed.data["name"] == "Al"
    assert set(thawed.errors) == {"name", "email"}


def test_an_unbound_form_keeps_its_initial_values() -> None:
    thawed = round_trip(form=Contact(initial={"name": "Ada"}))["form"]
    assert isinstance(thawed, Contact) and not thawed.is_bound
    assert thawed["name"].value() == "Ada"


@pytest.mark.django_db
def test_a_model_form_thaws_with_its_instance() -> None:
    form = GroupForm(QueryDict("name=editors"), instance=Group(name="authors"))
    thawed = round_trip(form=form)["form"]
    assert isinstance(thawed, GroupForm)
    assert thawed.instance.name == "authors" and thawed.data["name"] == "editors"
    assert thawed.is_valid()


def test_a_formset_thaws_with_its_forms() -> None:
    data = QueryDict(
        "f-TOTAL_FORMS=2&f-INITIAL_FORMS=0&f-0-name=Ada&f-0-email=ada@example.com"
        "&f-1-name=&f-1-email="
    )
    formset = ContactSet(data, prefix="f")
    thawed = round_trip(items=formset)["items"]
    assert thawed.is_valid()  # type: ignore[attr-defined]
    assert thawed.forms[0].cleaned_data["name"] == "Ada"  # type: ignore[attr-defined]


# -- formsets of models, and forms bound by tether.validation --------------------------------


class MemberSet(modelformset_factory(Member, fields=["name", "email"], extra=1)):  # type: ignore[misc]
    """A model formset, named at module level."""


async def test_a_model_formset_freezes_on_the_event_loop_without_running_its_queryset() -> None:
    # Pickling a queryset runs it, and Django refuses a query on the event loop:
    # the formset's state was lost at the first freeze.
    formset = MemberSet(queryset=Member.objects.filter(name__startswith="A"), prefix="m")
    thawed = round_trip(members=formset)["members"]
    assert isinstance(thawed, MemberSet) and thawed.prefix == "m"
    assert str(thawed.queryset.query) == str(formset.queryset.query)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_an_inline_formset_thaws_with_its_parent_and_its_data() -> None:
    team = Team.objects.create(name="Alpha", contact="a@example.com")
    Member.objects.create(team=team, name="Ada", email="ada@example.com")
    data = QueryDict(
        "members-TOTAL_FORMS=1&members-INITIAL_FORMS=0&members-MIN_NUM_FORMS=1"
        "&members-MAX_NUM_FORMS=8&members-0-name=Bob&members-0-email=bob@example.com"
    )
    thawed = round_trip(members=MemberFormSet(data, instance=team, prefix="members"))["members"]
    assert isinstance(thawed, MemberFormSet)
    assert thawed.instance == team
    assert [m.name for m in thawed.get_queryset()] == ["Ada"]
    assert thawed.is_valid()
    thawed.save()
    assert sorted(team.members.values_list("name", flat=True)) == ["Ada", "Bob"]


def test_a_form_bound_by_bind_form_still_hides_untouched_errors_after_a_thaw() -> None:
    form = bind_form(Contact, QueryDict("name=Al&_unused_email=&email=&_target=name"))
    thawed = round_trip(form=form)["form"]
    assert isinstance(thawed, Contact) and tracks_touched(thawed)
    assert list(thawed["name"].errors) and not thawed["email"].errors
    assert set(thawed.errors) == {"name", "email"}


def test_a_formset_bound_by_bind_form_still_hides_untouched_errors_after_a_thaw() -> None:
    data = QueryDict(
        "f-TOTAL_FORMS=1&f-INITIAL_FORMS=0&f-0-name=Al&_unused_f-0-email=&f-0-email=&_target=f-0-name"
    )
    thawed = round_trip(items=bind_form(ContactSet, data, prefix="f"))["items"]
    assert isinstance(thawed, ContactSet) and tracks_touched(thawed)
    row = thawed.forms[0]
    assert list(row["name"].errors) and not row["email"].errors


def test_a_plain_form_thaws_without_touched_tracking() -> None:
    thawed = round_trip(form=Contact(QueryDict("_unused_email=&name=&_target=name")))["form"]
    assert isinstance(thawed, Contact) and not tracks_touched(thawed)
    assert list(thawed["email"].errors) == ["This field is required."]


class Refusing(forms.Form):
    """A check that raises on its first call, as the ORM does on the event loop."""

    name = forms.CharField()
    calls = 0

    def clean_name(self) -> str:
        type(self).calls += 1
        if type(self).calls == 1:
            raise RuntimeError("not on the event loop")
        raise forms.ValidationError("Taken.")


def test_a_thawed_form_validates_again_in_full_after_a_refused_first_try() -> None:
    # A thawed form first validates in a render on the event loop; Tether then
    # renders it again in a thread, where it must not keep the half-done result.
    Refusing.calls = 0
    thawed = round_trip(form=Refusing(QueryDict("name=x")))["form"]
    with pytest.raises(RuntimeError):
        thawed.errors  # type: ignore[attr-defined]  # noqa: B018
    assert list(thawed["name"].errors) == ["Taken."]  # type: ignore[index]
