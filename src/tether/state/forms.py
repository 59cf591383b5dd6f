"""Django forms as view state: frozen as what rebuilds them, not as objects.

A bound form holds its renderer, its fields' widgets and, for a
``ModelForm``, querysets: pickling it fails or drags half of Django along.
What a form *is*, though, is small: its class, its data, its prefix, its
initial values and, for a ``ModelForm``, its instance. ``dumps`` pickles
forms and formsets as exactly that, and thawing builds a new form from it,
which validates again when the template asks for its errors. Uploaded files
are not kept (their data is gone with the request that sent them): a thawed
form asks for them again.

A formset is its class, data, prefix, initial values and ``form_kwargs``; a
model formset adds its queryset and an inline formset its parent instance.
The queryset is kept as its model and query, never its rows: pickling a
queryset runs it, and freezing happens on the event loop, where Django
refuses a query. A form or formset bound by ``tether.validation`` keeps
showing only its touched fields' errors after a thaw (the touched fields are
read from its data, which is kept).

Form classes must be importable by name (a class made on the fly by
``modelform_factory`` is not); otherwise ``FreezeError`` names the assign.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.db.models.sql import Query
from django.forms.formsets import BaseFormSet
from django.forms.models import BaseInlineFormSet, BaseModelFormSet

from tether.validation import retry_safe, track_touched, tracks_touched


@dataclass(frozen=True, slots=True)
class QuerySetRecipe:
    """A queryset as its class, model and query: rebuilt without running it."""

    cls: type[QuerySet[Any]]
    model: type[Model]
    query: Query

    @classmethod
    def of(cls, queryset: QuerySet[Any]) -> QuerySetRecipe:
        return cls(type(queryset), queryset.model, queryset.query)

    def build(self) -> QuerySet[Any]:
        return self.cls(model=self.model, query=self.query)


def _form_kwargs(form: forms.BaseForm) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "data": form.data if form.is_bound else None,
        "prefix": form.prefix,
        "initial": form.initial,
        "auto_id": form.auto_id,
        "label_suffix": form.label_suffix,
        "empty_permitted": form.empty_permitted,
        "error_class": form.error_class,
        "use_required_attribute": form.use_required_attribute,
    }
    if isinstance(form, forms.BaseModelForm):
        kwargs["instance"] = form.instance
    return kwargs


def _formset_kwargs(formset: BaseFormSet[Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "data": formset.data if formset.is_bound else None,
        "prefix": formset.prefix,
        "initial": formset.initial,
        "auto_id": formset.auto_id,
        "error_class": formset.error_class,
        "form_kwargs": formset.form_kwargs,
    }
    if isinstance(formset, BaseModelFormSet):
        # A model formset keeps its extra forms' initial values apart.
        kwargs["initial"] = formset.initial_extra
        if formset.queryset is not None:
            kwargs["queryset"] = QuerySetRecipe.of(formset.queryset)
    if isinstance(formset, BaseInlineFormSet):
        kwargs["instance"] = formset.instance
        kwargs["save_as_new"] = formset.save_as_new
    return kwargs


def rebuild_form(
    cls: type[forms.BaseForm], kwargs: dict[str, Any], touched: bool = False
) -> forms.BaseForm:
    form = cls(**kwargs)
    # Thawed on the event loop: its first validation may well be refused there.
    return track_touched(form) if touched else retry_safe(form)


def rebuild_formset(
    cls: type[BaseFormSet[Any]], kwargs: dict[str, Any], touched: bool = False
) -> BaseFormSet[Any]:
    queryset = kwargs.get("queryset")
    if isinstance(queryset, QuerySetRecipe):
        kwargs = {**kwargs, "queryset": queryset.build()}
    formset = cls(**kwargs)
    return track_touched(formset) if touched else retry_safe(formset)


class StatePickler(pickle.Pickler):
    """A pickler that writes forms and formsets as their constructor arguments."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, forms.BaseForm):
            return rebuild_form, (type(obj), _form_kwargs(obj), tracks_touched(obj))
        if isinstance(obj, BaseFormSet):
            return rebuild_formset, (type(obj), _formset_kwargs(obj), tracks_touched(obj))
        return NotImplemented


def dumps(value: Any, *, protocol: int = pickle.HIGHEST_PROTOCOL) -> bytes:
    """``pickle.dumps``, with forms and formsets written as what rebuilds them."""
    buffer = io.BytesIO()
    StatePickler(buffer, protocol=protocol).dump(value)
    return buffer.getvalue()
