from __future__ import annotations

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "tether.dashboard"
    label = "tether_dashboard"
    verbose_name = "Tether dashboard"

    def ready(self) -> None:
        # Imported once the app registry is ready, as Django asks of ready().
        from tether.dashboard.recorder import recorder

        recorder.install()
