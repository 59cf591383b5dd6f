"""Tether's settings: every one is documented where the README says they all are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tether.conf import DEFAULTS

SETTINGS_TABLE = Path(__file__).resolve().parents[2] / "docs" / "live-views.md"


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_setting_has_a_row_in_the_settings_table(key: str) -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", SETTINGS_TABLE.read_text(), re.M))
    assert key in documented, f"{key} is missing from docs/live-views.md#settings"
