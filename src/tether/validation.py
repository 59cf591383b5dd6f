"""Live validation: a form shows errors only for the fields the user has touched.

Validating on every keystroke (``phx-change``) covers an empty form in red:
type a name, and every other required field says "This field is required."
The pinned client knows better. Until the user has changed an input (typed
into it, picked an option) or submitted its form, each change event carries an
empty ``_unused_<name>`` key beside that input's value; a submit carries none,
since after a submit every input counts as used (Phoenix's ``used_input?``).

``bind_form`` binds a form or formset class to an event's params, as a view
binds ``request.POST``, and gives its forms a bound-field class
(``TouchedBoundField``) whose ``errors`` stay empty for an untouched field.
The form itself still tells the truth: ``is_valid()``, ``errors`` and
``cleaned_data`` are Django's, untouched. Only what a template shows through
a field waits for the user: ``{{ form.title.errors }}``, the errors ``{{ form }}``
renders beside each field, ``aria-invalid`` and ``error_css_class``.

Which fields are untouched is read from the data the form is bound to, so it
needs no state of its own and survives freezing with the form's data:

- an input whose every name carries the marker is untouched (a
  ``MultiWidget`` has one name per part);
- during a change (the params name a ``_target``), an input absent from the
  params is untouched too: an unticked checkbox, a multiple select with
  nothing chosen and the other inputs of an input-level ``phx-change`` send
  nothing, not even the marker. The ``_target`` itself is touched;
- on a submit nothing is marked and an absent input counts as touched, so
  every error shows.

Errors that belong to no field (``clean()``, a formset's
``non_form_errors()``) are Django's to show as soon as they exist.

A formset's forms are built lazily (a model formset's need the database), so
``bind_form`` wraps the formset's ``_construct_form`` on that one instance
instead of building them; ``tracks_touched`` tells the freezer to do the same
again on thaw. Validation is lazy too, and may first run in a render on the
event loop, where the sync ORM raises and Tether renders again in a thread:
the forms ``bind_form`` makes validate again after a failure instead of
keeping the half of their errors found before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.forms.formsets import BaseFormSet
from django.forms.utils import ErrorList
from django.utils.datastructures import MultiValueDict

from tether import protocol

Bindable = TypeVar("Bindable", bound="forms.BaseForm | BaseFormSet[Any]")

# The marker goes in front of the last name segment, as the client's
# prependFormDataKey does: ``user[email]`` -> ``user[_unused_email]``.
_LAST_SEGMENT = re.compile(r"([^\[\]]+)(\]?)$")
_TRACKING = "tether_tracks_touched"
_RETRY_SAFE = "tether_retry_safe"


def unused_key(name: str) -> str:
    """The key the client sends for the input ``name`` while it is untouched."""
    array = name.endswith("[]")
    base = name[:-2] if array else name
    base = _LAST_SEGMENT.sub(lambda m: protocol.UNUSED_PREFIX + m[1] + m[2], base, count=1)
    return base + "[]" if array else base


def input_names(field: forms.BoundField) -> list[str]:
    """The ``name`` attributes the field's widget renders: one, or one per part."""
    widget = field.field.widget
    if isinstance(widget, forms.MultiWidget):
        suffixes: list[str] = widget.widgets_names  # type: ignore[attr-defined]
        return [field.html_name + suffix for suffix in suffixes]
    return [field.html_name]


def is_touched(data: Mapping[str, Any], names: list[str]) -> bool:
    """Whether any of an input's ``names`` was touched, judged from the form data."""
    target = data.get(protocol.TARGET)
    for name in names:
        if unused_key(name) in data:
            continue
        if target is not None and name != target and name not in data:
            continue  # a change that sent nothing for it: never touched
        return True
    return False


class TouchedBoundField(forms.BoundField):
    """A bound field whose errors show once the user has touched its input."""

    @property
    def touched(self) -> bool:
        """Whether the user has changed this input (``{% if form.x.touched %}``);
        never in an unbound form, which has no data yet."""
        return self.form.is_bound and is_touched(self.form.data, input_names(self))

    @property
    def errors(self) -> ErrorList:
        if self.touched:
            found: ErrorList = super().errors
            return found
        return self.form.error_class(renderer=self.form.renderer)


def _each_new_form(formset: BaseFormSet[Any], apply: Callable[[forms.BaseForm], object]) -> None:
    """Call ``apply`` on each form the formset builds (lazily: they may need the ORM)."""
    construct = formset._construct_form  # type: ignore[attr-defined]

    def construct_and_apply(i: int, **kwargs: Any) -> forms.BaseForm:
        built: forms.BaseForm = construct(i, **kwargs)
        apply(built)
        return built

    # One instance's hook, not the class's: other formsets of the class are untouched.
    formset._construct_form = construct_and_apply  # type: ignore[attr-defined]


def retry_safe(form: Bindable) -> Bindable:
    """Let validation that raised run again in full the next time it is asked for.

    Django marks a form validated before it cleans its fields, so an exception
    from a ``clean_*`` or ``validate_unique`` (the sync ORM refused on the event
    loop, say) left it "validated" with half its errors: the render Tether
    retries in a thread then showed the form without the rest.
    """
    target: forms.BaseForm | BaseFormSet[Any] = form
    if getattr(target, _RETRY_SAFE, False):
        return form
    clean = target.full_clean

    def full_clean() -> None:
        try:
            clean()
        except BaseException:
            target._errors = None  # type: ignore[union-attr]
            if isinstance(target, BaseFormSet):
                target._non_form_errors = None  # type: ignore[attr-defined]
            raise

    target.full_clean = full_clean  # type: ignore[method-assign]
    setattr(target, _RETRY_SAFE, True)
    if isinstance(target, BaseFormSet):
        _each_new_form(target, retry_safe)
    return form


def track_touched(form: Bindable) -> Bindable:
    """Make an already built form or formset show errors only for touched fields."""
    if isinstance(form, forms.BaseForm):
        form.bound_field_class = TouchedBoundField
        return retry_safe(form)
    formset: BaseFormSet[Any] = form
    if not getattr(formset, _TRACKING, False):
        _each_new_form(formset, track_touched)
        setattr(formset, _TRACKING, True)
    return retry_safe(form)


def tracks_touched(form: forms.BaseForm | BaseFormSet[Any]) -> bool:
    """Whether ``track_touched`` (or ``bind_form``) was applied to ``form``."""
    if isinstance(form, forms.BaseForm):
        return form.bound_field_class is TouchedBoundField
    return bool(getattr(form, _TRACKING, False))


def bind_form(
    form_class: type[Bindable],
    params: Mapping[str, Any],
    files: MultiValueDict[str, Any] | None = None,
    **kwargs: Any,
) -> Bindable:
    """``form_class(params, files, **kwargs)``, showing errors only for touched fields.

    ``form_class`` is a ``Form``, a ``ModelForm`` or a formset class; ``kwargs``
    are its own (``prefix``, ``instance``, ``queryset``...). Use it in both
    handlers: in ``phx-change`` the untouched fields' errors wait, in
    ``phx-submit`` every error shows. ``is_valid()`` always checks every field.
    """
    return track_touched(form_class(params, files, **kwargs))
