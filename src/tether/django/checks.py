"""System checks: each explains one misconfiguration in one sentence."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.utils.module_loading import import_string

from tether.conf import DEFAULTS


@register(Tags.compatibility)
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    user = getattr(settings, "TETHER", {})
    if not isinstance(user, dict):
        return [Error("settings.TETHER must be a dict.", id="tether.E001")]
    for key in user:
        if key not in DEFAULTS:
            messages.append(
                Warning(f"settings.TETHER has an unknown key {key!r}.", id="tether.W001")
            )
    for alias in ("PUBSUB", "STATE"):
        conf = user.get(alias)
        if conf is None:
            continue
        # Merged over the defaults: leaving BACKEND out keeps the default one.
        backend = (
            conf.get("BACKEND", DEFAULTS[alias]["BACKEND"]) if isinstance(conf, dict) else None
        )
        if not isinstance(backend, str):
            messages.append(
                Error(
                    f"settings.TETHER[{alias!r}] needs a 'BACKEND' dotted path.", id="tether.E002"
                )
            )
            continue
        try:
            import_string(backend)
        except ImportError:
            messages.append(
                Error(
                    f"settings.TETHER[{alias!r}]['BACKEND'] {backend!r} cannot be imported.",
                    id="tether.E003",
                )
            )
    shared = user.get("SHARED_RENDERS")
    if shared is not None and not _shared_renders_ok(shared):
        messages.append(
            Error(
                "settings.TETHER['SHARED_RENDERS'] must be a dict with ENTRIES, a whole number"
                " of results kept (0 turns sharing off), and SECONDS, a positive number.",
                id="tether.E005",
            )
        )
    if "django.contrib.sessions.middleware.SessionMiddleware" not in settings.MIDDLEWARE:
        messages.append(
            Warning(
                "Tether reads the user from the session, but SessionMiddleware is not installed.",
                id="tether.W002",
            )
        )
    if "django.middleware.csrf.CsrfViewMiddleware" not in settings.MIDDLEWARE:
        messages.append(
            Error(
                "Tether's socket needs the CSRF cookie, so CsrfViewMiddleware must be installed.",
                id="tether.E004",
            )
        )
    return messages


@register(Tags.compatibility)
def check_activate(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Each TETHER["ACTIVATE"] entry (django/activation.py) must import as a function."""
    user = getattr(settings, "TETHER", {})
    entries = user.get("ACTIVATE", DEFAULTS["ACTIVATE"]) if isinstance(user, dict) else []
    if not isinstance(entries, list | tuple):
        return [
            Error('settings.TETHER["ACTIVATE"] must be a list of dotted paths.', id="tether.E020")
        ]
    messages: list[CheckMessage] = []
    for entry in entries:
        try:
            function = import_string(entry) if isinstance(entry, str) else None
        except ImportError:
            function = None
        if not callable(function):
            messages.append(
                Error(
                    f'settings.TETHER["ACTIVATE"] entry {entry!r} is not the dotted path of a'
                    " function Tether can import.",
                    id="tether.E021",
                )
            )
    locale = "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
    if locale and "tether.django.activation.language" not in entries:
        messages.append(
            Warning(
                'LocaleMiddleware is installed but TETHER["ACTIVATE"] leaves out'
                " tether.django.activation.language, so live events render in LANGUAGE_CODE.",
                id="tether.W020",
            )
        )
    return messages


def _shared_renders_ok(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    limits = {**DEFAULTS["SHARED_RENDERS"], **value}
    entries, seconds = limits["ENTRIES"], limits["SECONDS"]
    return (
        isinstance(entries, int)
        and not isinstance(entries, bool)
        and entries >= 0
        and isinstance(seconds, (int, float))
        and seconds > 0
    )
