"""The demo's index: every page listed, with working links to its source and its docs."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pages.catalog import CATALOG, ROOT
from pages.views import DEMOS

pytestmark = pytest.mark.django_db


def test_every_catalogued_file_exists_and_every_page_is_listed() -> None:
    slugs = {slug for slug, _title, _blurb in DEMOS}
    assert set(CATALOG) <= slugs, "a catalogue entry for a page the index does not list"
    for sources, doc in CATALOG.values():
        for path in (*sources, doc):
            assert (ROOT / path).is_file(), path


def test_the_index_links_each_page_its_source_and_its_docs(client: Any) -> None:
    html = client.get("/").content.decode()

    assert 'href="/todos/"' in html and 'href="/chat/lobby/"' in html
    assert 'href="/source/examples/demo/pages/chat.py"' in html
    assert 'href="/source/docs/tutorial.md"' in html
    assert "demo/demo.css" in html, "the page carries the demo's stylesheet"

    for link in sorted(set(re.findall(r'href="(/source/[^"]+)"', html))):
        assert client.get(link).status_code == 200, link


def test_a_source_page_shows_the_file(client: Any) -> None:
    response = client.get("/source/examples/demo/todos/views.py")
    assert response.status_code == 200
    assert "class TodoList(LiveView):" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["examples/demo/demo/settings.py", "../../../etc/passwd", "pyproject.toml"],
)
def test_only_catalogued_files_are_shown(client: Any, path: str) -> None:
    assert client.get(f"/source/{path}").status_code == 404


def test_the_favicon_browsers_ask_every_page_for_is_there(client: Any) -> None:
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("/demo/favicon.svg")
    assert finders.find("demo/favicon.svg"), "the icon is one of the demo's static files"
