from __future__ import annotations

from pathlib import Path

from django.apps import AppConfig

from tether import telemetry
from tether.conf import setting


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
