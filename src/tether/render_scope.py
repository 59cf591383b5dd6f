"""The language and time zone a render runs under, read in well under a microsecond.

Shared renders (``templates/memo.py``) key every result by the active
language and time zone, so every broadcast asks for them once per view.
Django's ``get_language()`` and ``get_current_timezone()`` read asgiref
``Local``s by ``getattr(local, "value", default)``; when nothing is activated,
which is the usual case, that raises and catches an ``AttributeError`` whose
message formats the ``Local``'s repr: about 11 µs for the pair, a tenth of a
chat view's whole update.

``current()`` gives the same answers by peeking at the ``Local``'s storage
the way asgiref itself does (a context variable holding data tagged with its
thread). Whether that storage has the shape this relies on is checked once,
at import; if an asgiref release changes it, ``current()`` asks Django the
slow way instead. ``tests/unit/test_render_scope.py`` compares the two under
every way of activating a language or zone, in tasks and threads.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Hashable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils import timezone, translation
from django.utils.translation import trans_real

_UNSET = object()


class _Reader:
    """Reads one module's asgiref ``Local`` (``module._active``), as its ``value`` attribute.

    Django's test signals replace a module's ``Local`` when settings change,
    so the module attribute is read on every call and the storage found again
    whenever it is a new object."""

    __slots__ = ("_local", "_module", "_var")

    def __init__(self, module: Any) -> None:
        self._module = module
        self._local: object = _UNSET
        self._var: contextvars.ContextVar[Any] | None = None

    def fast(self) -> bool:
        """Whether the ``Local`` has the storage this module knows how to read."""
        local = getattr(self._module, "_active", None)
        if local is not self._local:
            self._local, self._var = local, _storage_of(local)
        return self._var is not None

    def value(self) -> object:
        """``local.value``, or ``_UNSET``; call after ``fast()`` said True."""
        assert self._var is not None
        storage = self._var.get(None)
        if storage is None or storage.thread_id != threading.get_ident():
            return _UNSET  # asgiref's rule: data set by another thread is not this thread's
        data: dict[str, object] = storage.data
        return data.get("value", _UNSET)


def _storage_of(local: Any) -> contextvars.ContextVar[Any] | None:
    """The context variable behind an asgiref ``Local``, if it is the kind we can read."""
    data = getattr(getattr(local, "_storage", None), "_data", None)
    if not isinstance(data, contextvars.ContextVar):
        return None
    probe = data.get(None)
    if probe is not None and not (hasattr(probe, "thread_id") and hasattr(probe, "data")):
        return None
    return data


_LANGUAGE = _Reader(trans_real)
_ZONE = _Reader(timezone)


class _Settings:
    """``USE_I18N`` and ``LANGUAGE_CODE``, read once: each read of Django's lazy
    ``settings`` is a Python call. Read again after ``override_settings``."""

    i18n: bool | None = None
    language_code = ""


def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in ("USE_I18N", "LANGUAGE_CODE"):
        _Settings.i18n = None


setting_changed.connect(_forget)


def _language() -> str | None:
    i18n = _Settings.i18n
    if i18n is None:
        i18n = _Settings.i18n = bool(settings.USE_I18N)
        _Settings.language_code = settings.LANGUAGE_CODE
    if not i18n or not _LANGUAGE.fast():
        return translation.get_language()
    active: Any = _LANGUAGE.value()
    if active is not _UNSET and active is not None:
        try:
            language: str | None = active.to_language()
        except AttributeError:
            pass
        else:
            return language
    return _Settings.language_code


def _zone() -> object:
    if not _ZONE.fast():
        return timezone.get_current_timezone()
    zone = _ZONE.value()
    return timezone.get_default_timezone() if zone is _UNSET else zone


def current() -> tuple[str | None, Hashable]:
    """``(get_language(), get_current_timezone())``, as Django would answer now.

    The zone is the tzinfo itself, not its name: ``zoneinfo`` keeps one object
    per zone, and two objects for one zone only mean a missed share."""
    zone: Any = _zone()
    return _language(), zone
