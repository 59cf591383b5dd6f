"""The documentation site builds, with no warning, from docs/ and the tested demo code.

``mkdocs build --strict`` fails on a broken link between pages, a page missing
from the navigation, a snippet (``--8<--``) naming a file that does not exist,
and a docstring the API reference cannot resolve: the site a reader opens is
the one this test built.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return site


def test_every_page_of_the_navigation_is_built(built_site: Path) -> None:
    for page in ("tutorial", "deploy", "live-views", "testing", "reference/tether"):
        assert (built_site / page / "index.html").is_file(), page


def test_the_tutorial_shows_the_demo_apps_real_code(built_site: Path) -> None:
    page = html.unescape(re.sub(r"<[^>]+>", "", (built_site / "tutorial/index.html").read_text()))
    # Lines of the tested files, as the reader sees them on the page.
    for path in ("examples/demo/todos/views.py", "examples/demo/todos/forms.py"):
        code = [
            line.strip()
            for line in (ROOT / path).read_text().splitlines()
            if line.strip() and "--8<--" not in line
        ]
        missing = [line for line in code if line not in page]
        assert not missing, f"{path}: not on the tutorial page: {missing[:3]}"
    assert "--8<--" not in page, "a snippet was left unexpanded"


def _snippet(path: str, name: str) -> list[str]:
    """The non-blank lines of a ``--8<-- [start:name]`` ... ``[end:name]`` region."""
    text = (ROOT / path).read_text()
    region = text.split(f"[start:{name}]", 1)[1].split(f"[end:{name}]", 1)[0]
    return [line.strip() for line in region.splitlines()[1:-1] if line.strip()]


def test_the_forms_page_shows_the_team_pages_real_code(built_site: Path) -> None:
    page = html.unescape(re.sub(r"<[^>]+>", "", (built_site / "forms/index.html").read_text()))
    for path, name in (
        ("examples/demo/teams/forms.py", "forms"),
        ("examples/demo/teams/views.py", "view"),
        ("examples/demo/teams/templates/teams/new_team.html", "form"),
    ):
        code = _snippet(path, name)
        assert code, f"{path}: no snippet {name!r}"
        missing = [line for line in code if line not in page]
        assert not missing, f"{path}: not on the forms page: {missing[:3]}"
    assert "--8<--" not in page, "a snippet was left unexpanded"


def test_the_api_reference_is_generated_from_docstrings(built_site: Path) -> None:
    html = (built_site / "reference" / "tether" / "index.html").read_text()
    for name in ("LiveView", "push_patch", "JS"):
        assert name in html, name
    testing = (built_site / "reference" / "testing" / "index.html").read_text()
    assert "LiveClient" in testing and "follow" in testing


def test_the_site_loads_nothing_from_another_host(built_site: Path) -> None:
    html = (built_site / "index.html").read_text()
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
