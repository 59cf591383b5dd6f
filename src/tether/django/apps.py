from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.signals import setting_changed

from tether import telemetry
from tether.conf import setting
from tether.templates import slots


class TetherConfig(AppConfig):
    name = "tether.django"
    label = "tether"
    verbose_name = "Tether"
    # The package root, so that static/tether/ (the client) and templates/tether/
    # (the default layout) are found by Django's app-directory finders and loaders.
    path = str(Path(__file__).resolve().parent.parent)

    def ready(self) -> None:
        from tether.django import asgi_check, checks  # noqa: F401  (registers the checks)

        telemetry.attach_from_settings(setting("TELEMETRY"))
        slots.group_numbers(settings.USE_THOUSAND_SEPARATOR)
        setting_changed.connect(_thousand_separator_changed)


def _thousand_separator_changed(*, setting: str, value: Any, **kwargs: Any) -> None:
    if setting == "USE_THOUSAND_SEPARATOR":
        slots.group_numbers(bool(value))
