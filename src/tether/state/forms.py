"""Django forms as view state: frozen as what rebuilds them, not as objects.

A bound form holds its renderer, its fields' widgets and, for a
``ModelForm``, querysets: pickling it fails or drags half of Django along.
What a form *is*, though, is small: its class, its data, its prefix, its
initial values and, for a ``ModelForm``, its instance. ``dumps`` pickles
forms and formsets as exactly that, and thawing builds a new form from it,
which validates again when the template asks for its errors. Uploaded files
are not kept (their data is gone with the request that sent them): a thawed
form asks for them again.

Form classes must be importable by name (a class made on the fly by
``modelform_factory`` is not); otherwise ``FreezeError`` names the assign.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from django import forms
from django.forms.formsets import BaseFormSet


def _form_kwargs(form: forms.BaseForm) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "data": form.data if form.is_bound else None,
        "prefix": form.prefix,
        "initial": form.initial,
        "auto_id": form.auto_id,
        "label_suffix": form.label_suffix,
        "empty_permitted": form.empty_permitted,
    }
    if isinstance(form, forms.BaseModelForm):
        kwargs["instance"] = form.instance
    return kwargs


def rebuild_form(cls: type[forms.BaseForm], kwargs: dict[str, Any]) -> forms.BaseForm:
    return cls(**kwargs)


def rebuild_formset(cls: type[BaseFormSet[Any]], kwargs: dict[str, Any]) -> BaseFormSet[Any]:
    return cls(**kwargs)


class StatePickler(pickle.Pickler):
    """A pickler that writes forms and formsets as their constructor arguments."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, forms.BaseForm):
            return rebuild_form, (type(obj), _form_kwargs(obj))
        if isinstance(obj, BaseFormSet):
            kwargs = {
                "data": obj.data if obj.is_bound else None,
                "prefix": obj.prefix,
                "initial": obj.initial,
                "auto_id": obj.auto_id,
            }
            queryset = getattr(obj, "queryset", None)
            if queryset is not None:
                kwargs["queryset"] = queryset
            return rebuild_formset, (type(obj), kwargs)
        return NotImplemented


def dumps(value: Any, *, protocol: int = pickle.HIGHEST_PROTOCOL) -> bytes:
    """``pickle.dumps``, with forms and formsets written as what rebuilds them."""
    buffer = io.BytesIO()
    StatePickler(buffer, protocol=protocol).dump(value)
    return buffer.getvalue()
