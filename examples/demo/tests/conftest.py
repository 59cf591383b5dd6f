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
