"""A view holding Django forms freezes and thaws (issue 17, item 3)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.forms import formset_factory
from django.http import QueryDict

from tether.state import Frozen, freeze, thaw


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
