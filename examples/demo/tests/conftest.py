"""Fixtures for the demo's own tests: people who can sign in.

No passwords: ``LiveClient.login`` signs a user in directly, and hashing a
password would cost a quarter of a second per user.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def ada(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("ada")


@pytest.fixture
def bob(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("bob")


@pytest.fixture(autouse=True)
def prompt_presence(settings: Any) -> None:
    """Presence gathers joins and leaves for half a second before telling the views,
    to spare a busy room; a test need not wait that long."""
    settings.TETHER = {**settings.TETHER, "PRESENCE": {"OPTIONS": {"BROADCAST_PERIOD": 0.01}}}
