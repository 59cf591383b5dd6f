"""The template demo pages in real Chromium, through the official Phoenix client."""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import get_template
from django.test import RequestFactory

from pages.templates_demo import NestedTemplates, SortableTable, people, sort_rows
from tether import LiveView
from tether.testing import ServerProcess

ROW_TEXTS = """() => Array.from(document.querySelectorAll('#people tbody tr'),
    row => Array.from(row.cells, cell => cell.textContent).join('|'))"""
SAME_ROWS = f"(expected) => JSON.stringify(({ROW_TEXTS})()) === JSON.stringify(expected)"
# The live container's HTML, without the client's data-phx-* attributes, equals `expected`.
SAME_AS_RENDER = """(expected) => {
    const live = document.querySelector('[data-phx-main]').cloneNode(true);
    for (const el of live.querySelectorAll('*')) {
        for (const attr of [...el.attributes]) {
            if (attr.name.startsWith('data-phx')) el.removeAttribute(attr.name);
        }
    }
    const wanted = document.createElement('div');
    wanted.innerHTML = expected;
    return live.innerHTML === wanted.innerHTML;
}"""
# For each phx-click button: its event name and its phx-value-* payload.
BUTTON_EVENTS = """els => els.map(el => [el.getAttribute('phx-click'), Object.fromEntries(
    [...el.attributes].filter(a => a.name.startsWith('phx-value-'))
        .map(a => [a.name.slice('phx-value-'.length), a.value]))])"""


@dataclass
class Watch:
    """What must not happen while a live page updates: page loads and console errors.

    ``framenavigated`` also fires for same-document history updates: the client
    records the scroll position with ``replaceState`` when Playwright scrolls a
    button into view. So a page load is counted as a new document, and a marker
    set on ``window`` after connecting must survive.
    """

    url: str
    navigations: list[str] = field(default_factory=list)
    documents: int = 0
    errors: list[str] = field(default_factory=list)

    def assert_quiet(self, page: Any) -> None:
        assert self.documents == 1, f"a page load happened: {self.navigations}"
        assert page.evaluate("window.tetherTestMarker") == 1, "the document was replaced"
        assert set(self.navigations) == {self.url}, self.navigations
        assert self.errors == [], self.errors


def _open(page: Any, url: str) -> Watch:
    watch = Watch(url)
    page.on("framenavigated", lambda frame: watch.navigations.append(frame.url))

    def on_document() -> None:
        watch.documents += 1

    def on_console(message: Any) -> None:
        if message.type == "error" and "favicon" not in (message.location.get("url") or ""):
            watch.errors.append(message.text)

    page.on("domcontentloaded", lambda _page: on_document())
    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector(".phx-connected")
    page.evaluate("window.tetherTestMarker = 1")
    return watch


def _ids(page: Any, selector: str) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(selector, "els => els.map(el => el.id)")
    return ids


def _expected_texts(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['id']}|{r['name']}|{r['city']}|{r['score']}" for r in rows]


def test_nested_page_flips_branches_and_adds_and_removes_tasks(
    page: Any, demo_server: ServerProcess
) -> None:
    watch = _open(page, demo_server.url + "/templates/nested/")
    assert _ids(page, "#project-1 li.task") == ["task-2", "task-3"]

    page.click("#toggle-1")
    page.wait_for_selector("#task-1")
    assert _ids(page, "#project-1 li.task") == ["task-1", "task-2", "task-3"]
    assert page.text_content("#task-1 .complete") == "Undo"
    assert page.text_content("#toggle-1") == "Hide done"
    assert page.text_content("#project-1 .summary") == "3 tasks"
    assert _ids(page, "#project-2 li.task") == []

    page.click("#task-2 .remove")
    page.wait_for_selector("#task-2", state="detached")
    assert _ids(page, "#project-1 li.task") == ["task-1", "task-3"]

    page.click("#task-3 .complete")
    page.wait_for_selector("#task-3.done")
    assert page.text_content("#task-3 .complete") == "Undo"

    page.click("#toggle-1")
    page.wait_for_selector("#task-1", state="detached")
    assert _ids(page, "#project-1 li.task") == []
    assert page.text_content("#toggle-1") == "Show done"
    assert page.text_content("#project-1 .summary") == "2 tasks, done ones hidden"

    assert page.is_visible("#project-3 .no-tasks")
    page.click("#add-3")
    page.wait_for_selector("#task-101")
    page.click("#add-3")
    page.wait_for_selector("#task-102")
    assert _ids(page, "#project-3 li.task") == ["task-101", "task-102"]
    assert page.query_selector("#project-3 .no-tasks") is None
    assert page.text_content("#project-3 .summary") == "2 tasks, done ones hidden"

    page.click("#task-101 .remove")
    page.click("#task-102 .remove")
    page.wait_for_selector("#project-3 .no-tasks")
    assert page.text_content("#project-3 .summary") == "No tasks yet"
    watch.assert_quiet(page)


def test_table_rows_reorder_by_column_and_one_cell_changes(
    page: Any, demo_server: ServerProcess
) -> None:
    watch = _open(page, demo_server.url + "/templates/table/")
    rows = people()
    assert page.evaluate(ROW_TEXTS) == _expected_texts(rows)

    for by, descending in [("name", False), ("name", True), ("score", False), ("city", False)]:
        expected = _expected_texts(sort_rows(rows, by, descending))
        page.click(f"#sort-{by}")
        page.wait_for_function(SAME_ROWS, arg=expected)
        assert page.evaluate(ROW_TEXTS) == expected
        order = "descending" if descending else "ascending"
        assert page.text_content("#sorted") == f"Sorted by {by}, {order}"

    before = page.evaluate(ROW_TEXTS)
    score = next(r["score"] for r in rows if r["id"] == 7)
    page.click("#bump")
    page.wait_for_function(
        "(n) => document.querySelector('#row-7 .score').textContent === n", arg=str(score + 1)
    )
    after = page.evaluate(ROW_TEXTS)
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == 1
    assert changed[0][1].startswith("7|") and changed[0][1].endswith(f"|{score + 1}")
    watch.assert_quiet(page)


def test_form_shows_errors_then_clears_them_then_confirms(
    page: Any, demo_server: ServerProcess
) -> None:
    watch = _open(page, demo_server.url + "/templates/form/")
    assert page.query_selector(".error") is None

    page.fill("#id_name", "Al")
    page.wait_for_selector("#error-name")
    assert "at least 3 characters" in page.text_content("#error-name")
    assert page.query_selector("#error-email") is None

    page.fill("#id_name", "Ada")
    page.wait_for_selector("#error-name", state="detached")

    page.fill("#id_email", "not-an-email")
    page.wait_for_selector("#error-email")
    assert "valid email" in page.text_content("#error-email")
    page.fill("#id_email", "ada@example.com")
    page.wait_for_selector("#error-email", state="detached")

    page.select_option("#id_plan", "team")
    page.click("#save")
    page.wait_for_selector("#confirmation")
    assert page.text_content("#confirmation") == (
        "Welcome, Ada (ada@example.com), on the team plan."
    )
    assert page.query_selector(".error") is None
    page.wait_for_function("document.querySelector('#id_name').value === ''")
    assert page.input_value("#id_email") == ""

    page.click("#save")
    page.wait_for_selector("#error-name")
    assert _ids(page, ".error") == ["error-name", "error-email"]
    assert page.query_selector("#confirmation") is None
    watch.assert_quiet(page)


def _run(coroutine: Any) -> Any:
    """Run a coroutine outside Playwright's own event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _random_walk(page: Any, url: str, view_cls: type[LiveView], seed: int, steps: int) -> None:
    """Random clicks; after each, the DOM is what Django renders for the same state.

    The same events go to a local copy of the view, so the expected HTML comes
    from Django's own renderer, not from Tether.
    """
    watch = _open(page, url)
    model = view_cls()
    _run(model.mount(RequestFactory().get(url)))
    template = get_template(model.template_name)
    rng = random.Random(seed)
    for _ in range(steps):
        buttons = page.eval_on_selector_all("button[phx-click]", BUTTON_EVENTS)
        index = rng.randrange(len(buttons))
        name, values = buttons[index]
        page.locator("button[phx-click]").nth(index).click()
        getattr(model, model._event_handlers[name][0])(values)
        page.wait_for_function(SAME_AS_RENDER, arg=template.render(model.get_assigns()))
    watch.assert_quiet(page)


def test_nested_page_random_walk_matches_django_in_the_browser(
    page: Any, demo_server: ServerProcess
) -> None:
    _random_walk(page, demo_server.url + "/templates/nested/", NestedTemplates, 11, 60)


def test_table_random_walk_matches_django_in_the_browser(
    page: Any, demo_server: ServerProcess
) -> None:
    _random_walk(page, demo_server.url + "/templates/table/", SortableTable, 13, 30)
