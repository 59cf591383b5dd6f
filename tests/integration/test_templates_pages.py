"""The template demo pages through the browser-less client: nested tags, keyed sorting, forms."""

from __future__ import annotations

import json
import random
from typing import Any

from django.template.loader import get_template

from pages.templates_demo import people, sort_rows
from tether.live.registry import registry
from tether.testing import LiveClient, LiveViewTest


def _assert_same_as_django(view: LiveViewTest) -> None:
    """The merged diffs give exactly what Django renders from the view's current state."""
    for socket in registry.sockets:
        session = socket.sessions.get(view.topic)
        if session is not None and session.view is not None:
            live = session.view
            expected = get_template(live.template_name).render(live.get_assigns())
            assert view.html() == expected
            return
    raise AssertionError(f"no live session for {view.topic}")


def _ids(view: LiveViewTest, selector: str) -> list[str]:
    return [str(tag["id"]) for tag in view.soup().select(selector)]


def _row_texts(view: LiveViewTest) -> list[str]:
    return [
        "|".join(cell.get_text() for cell in row.select("td"))
        for row in view.soup().select("#people tbody tr")
    ]


def _expected_texts(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['id']}|{r['name']}|{r['city']}|{r['score']}" for r in rows]


def _comprehensions(diff: Any) -> list[dict[str, Any]]:
    """Every keyed comprehension (a dict with "k") in a diff, outermost first."""
    found: list[dict[str, Any]] = []
    if isinstance(diff, dict):
        if isinstance(diff.get("k"), dict):
            found.append(diff["k"])
        for value in diff.values():
            found.extend(_comprehensions(value))
    elif isinstance(diff, list):
        for value in diff:
            found.extend(_comprehensions(value))
    return found


# -- nested if / for / include ------------------------------------------------------------


async def test_nested_page_hides_done_tasks_until_the_project_shows_them(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/templates/nested/")
    assert _ids(view, "#project-1 li.task") == ["task-2", "task-3"]
    assert _ids(view, "#project-2 li.task") == []
    assert view.has_element("#project-3 .no-tasks")
    assert view.text("#toggle-1") == "Show done"

    await view.click("#toggle-1")
    assert _ids(view, "#project-1 li.task") == ["task-1", "task-2", "task-3"]
    assert view.element("#task-1")["class"] == ["task", "done"]
    assert view.text("#task-1 .complete") == "Undo"
    assert view.text("#toggle-1") == "Hide done"
    assert view.text("#project-1 .summary") == "3 tasks"
    assert _ids(view, "#project-2 li.task") == [], "the other project's branch stays put"

    await view.click("#toggle-1")
    assert _ids(view, "#project-1 li.task") == ["task-2", "task-3"]
    assert view.text("#project-1 .summary") == "3 tasks, done ones hidden"
    _assert_same_as_django(view)


async def test_nested_page_adds_completes_and_removes_tasks(live_client: LiveClient) -> None:
    view = await live_client.live("/templates/nested/")
    await view.click("#add-3")
    assert not view.has_element("#project-3 .no-tasks")
    assert _ids(view, "#project-3 li.task") == ["task-101"]
    assert view.text("#task-101 .title") == "Task 101"
    assert view.text("#project-3 .summary") == "1 task, done ones hidden"

    await view.click("#add-3")
    assert _ids(view, "#project-3 li.task") == ["task-101", "task-102"]
    assert view.text("#project-3 .summary") == "2 tasks, done ones hidden"

    await view.click("#task-2 .remove")
    assert _ids(view, "#project-1 li.task") == ["task-3"]
    assert view.text("#project-1 .summary") == "2 tasks, done ones hidden"

    await view.click("#task-3 .complete")
    assert _ids(view, "#project-1 li.task") == [], "a done task hides while done ones are hidden"
    await view.click("#toggle-1")
    assert _ids(view, "#project-1 li.task") == ["task-1", "task-3"]
    await view.click("#task-3 .complete")
    assert view.element("#task-3")["class"] == ["task"]
    assert view.text("#task-3 .complete") == "Done"

    await view.click("#task-101 .remove")
    await view.click("#task-102 .remove")
    assert view.has_element("#project-3 .no-tasks")
    assert view.text("#project-3 .summary") == "No tasks yet"
    _assert_same_as_django(view)


async def test_nested_toggle_sends_only_the_project_that_changed(live_client: LiveClient) -> None:
    view = await live_client.live("/templates/nested/")
    await view.click("#toggle-2")
    projects = _comprehensions(view.updates[-1].diff)[0]
    assert set(projects) == {"1", "kc"}, projects
    assert projects["kc"] == 3


# -- the sortable table ----------------------------------------------------------------------


async def test_table_sorts_by_each_column_and_back(live_client: LiveClient) -> None:
    view = await live_client.live("/templates/table/")
    rows = people()
    assert len(rows) >= 20
    assert _row_texts(view) == _expected_texts(rows)

    for by, descending in [("name", False), ("name", True), ("score", False), ("city", False)]:
        await view.click(f"#sort-{by}")
        assert _row_texts(view) == _expected_texts(sort_rows(rows, by, descending)), by
        order = "descending" if descending else "ascending"
        assert view.text("#sorted") == f"Sorted by {by}, {order}"
        assert view.text(f"#sort-{by}").endswith("▼" if descending else "▲")
        _assert_same_as_django(view)


async def test_sorting_sends_row_indices_not_rows(live_client: LiveClient) -> None:
    view = await live_client.live("/templates/table/")
    await view.click("#sort-name")
    tables = [k for k in _comprehensions(view.updates[-1].diff) if k.get("kc") == len(people())]
    assert len(tables) == 1, view.updates[-1].diff
    keyed = tables[0]
    assert keyed["km"] is True
    moves = {key: value for key, value in keyed.items() if key not in ("kc", "km")}
    assert moves, keyed
    for value in moves.values():
        assert isinstance(value, int) or (isinstance(value, list) and isinstance(value[0], int)), (
            f"a row was sent instead of its old index: {value!r}"
        )
    assert "Grace" not in view.last_frame, "no row content travels for a pure reorder"


async def test_changing_one_cell_sends_a_small_diff(live_client: LiveClient) -> None:
    view = await live_client.live("/templates/table/")
    await view.click("#sort-score")
    score = next(r["score"] for r in people() if r["id"] == 7)
    await view.click("#bump")
    assert view.text("#row-7 .score") == str(score + 1)
    assert len(view.last_frame) < 200, view.last_frame
    assert str(score + 1) in view.last_frame
    # The table keeps its order until sorted again, and the other rows are untouched.
    others = [t for t in _row_texts(view) if not t.startswith("7|")]
    bumped_away = [r for r in sort_rows(people(), "score", False) if r["id"] != 7]
    assert others == _expected_texts(bumped_away)
    _assert_same_as_django(view)


# -- the form ------------------------------------------------------------------------------------


async def test_form_errors_appear_while_typing_and_disappear_when_fixed(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/templates/form/")
    assert not view.has_element(".error")

    await view.change("#signup", {"name": "Al"})
    assert "at least 3 characters" in view.text("#error-name")
    assert not view.has_element("#error-email"), "untouched fields show no error yet"

    await view.change("#signup", {"name": "Ada", "email": "not-an-email"}, target="email")
    assert not view.has_element("#error-name")
    assert "valid email" in view.text("#error-email")

    await view.change("#signup", {"email": "ada@example.com"}, target="email")
    assert not view.has_element(".error")
    assert view.element("#id_name")["value"] == "Ada"
    _assert_same_as_django(view)


async def test_form_submit_shows_every_error_then_a_confirmation(live_client: LiveClient) -> None:
    view = await live_client.live("/templates/form/")
    await view.submit("#signup")
    assert _ids(view, ".error") == ["error-name", "error-email"]
    assert not view.has_element("#confirmation")

    data = {"name": "Grace", "email": "grace@example.com", "plan": "pro"}
    await view.submit("#signup", data)
    assert not view.has_element(".error")
    assert view.text("#confirmation") == ("Welcome, Grace (grace@example.com), on the pro plan.")
    assert not view.element("#id_name").has_attr("value"), "the form starts over"

    await view.change("#signup", {"name": "Jo"})
    assert not view.has_element("#confirmation")
    assert view.has_element("#error-name")
    frame = json.loads(view.last_frame)
    assert frame[4]["status"] == "ok"
    _assert_same_as_django(view)


# -- long random walks: the merged page always equals Django's render ---------------------


async def test_nested_page_random_walk_matches_django(live_client: LiveClient) -> None:
    rng = random.Random(3)
    view = await live_client.live("/templates/nested/")
    for _ in range(60):
        buttons = [str(tag["id"]) for tag in view.soup().select("button[id]")]
        buttons += [f"#{tag['id']} .remove" for tag in view.soup().select("li.task")]
        buttons += [f"#{tag['id']} .complete" for tag in view.soup().select("li.task")]
        choice = rng.choice(buttons)
        await view.click(choice if choice.startswith("#") else f"#{choice}")
        _assert_same_as_django(view)


async def test_table_random_walk_matches_django(live_client: LiveClient) -> None:
    rng = random.Random(5)
    view = await live_client.live("/templates/table/")
    for _ in range(40):
        await view.click(
            rng.choice(["#sort-id", "#sort-name", "#sort-city", "#sort-score", "#bump"])
        )
        _assert_same_as_django(view)
