from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def upload_dirs(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """Temporary files and saved media in folders of their own, so tests can count them."""
    temp, media = tmp_path / "tmp", tmp_path / "media"
    temp.mkdir()
    media.mkdir()
    uploads = {"TEMP_DIR": str(temp)}
    with override_settings(
        MEDIA_ROOT=str(media), TETHER={"LAYOUT": "layout.html", "UPLOADS": uploads}
    ):
        yield {"temp": temp, "media": media}


def files_in(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))
