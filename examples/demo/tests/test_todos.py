"""The tutorial's todo app (docs/tutorial.md includes this file): tested as a project would.

Two people open the list in two browsers; what one adds, ticks or deletes, the
other sees; each sees who else is looking; the form shows an error only for a
field the user has typed in; search narrows one person's list, not the other's.
"""

# --8<-- [start:setup]
from __future__ import annotations

from typing import Any

import pytest

from tether.testing import LiveClient, LiveViewTest
from todos.models import Todo

# Plain ``def`` handlers use the database from worker threads: commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def titles(view: LiveViewTest) -> list[str]:
    return [span.get_text() for span in view.soup().select("#todo-list .title")]


def present(view: LiveViewTest) -> list[str]:
    return [pill.get_text() for pill in view.soup().select("#present .pill")]


async def test_what_one_person_adds_the_other_sees(
    live_client_factory: Any, ada: Any, bob: Any
) -> None:
    ada_browser: LiveClient = await live_client_factory()
    await ada_browser.login(ada)
    ada_view = await ada_browser.live("/todos/")
    bob_browser: LiveClient = await live_client_factory()
    await bob_browser.login(bob)
    bob_view = await bob_browser.live("/todos/")

    await ada_view.submit("#new-todo", {"title": "Water the plants"})

    # The broadcast reaches every view of the list, the sender's too.
    await bob_view.wait_for(lambda view: titles(view) == ["Water the plants"])
    await ada_view.wait_for(lambda view: titles(view) == ["Water the plants"])
    assert ada_view.element("#id_title").get("value") is None, "the form is cleared after adding"


# --8<-- [end:setup]
# --8<-- [start:presence]
async def test_each_person_sees_who_else_is_looking(
    live_client_factory: Any, ada: Any, bob: Any
) -> None:
    ada_browser: LiveClient = await live_client_factory()
    await ada_browser.login(ada)
    ada_view = await ada_browser.live("/todos/")
    await ada_view.wait_for(lambda view: present(view) == ["ada"])

    bob_browser: LiveClient = await live_client_factory()
    await bob_browser.login(bob)
    bob_view = await bob_browser.live("/todos/")

    await ada_view.wait_for(lambda view: present(view) == ["ada", "bob"])
    assert present(bob_view) == ["ada", "bob"]

    await bob_view.close()
    await ada_view.wait_for(lambda view: present(view) == ["ada"])


# --8<-- [end:presence]
async def test_ticking_and_deleting_reach_the_other_browser(
    live_client_factory: Any, ada: Any, bob: Any
) -> None:
    todo = await Todo.objects.acreate(title="Buy bread")
    ada_browser: LiveClient = await live_client_factory()
    await ada_browser.login(ada)
    ada_view = await ada_browser.live("/todos/")
    bob_browser: LiveClient = await live_client_factory()
    await bob_browser.login(bob)
    bob_view = await bob_browser.live("/todos/")

    await ada_view.click(f"#todo-{todo.pk} input[type=checkbox]")
    await bob_view.wait_for(lambda view: "done" in view.element(f"#todo-{todo.pk}")["class"])
    # Ada's own reload of the list runs in Django's async-ORM thread; deleting while it
    # still reads would make the test database (SQLite in memory, shared cache) refuse
    # the write with "table is locked", a lock a file database would wait out.
    await ada_view.wait_for(lambda view: "done" in view.element(f"#todo-{todo.pk}")["class"])

    await bob_view.click(f"#todo-{todo.pk} button")
    await ada_view.wait_for(lambda view: titles(view) == [])
    assert ada_view.has_element("#nothing")
    assert not await Todo.objects.filter(pk=todo.pk).aexists()


# --8<-- [start:errors]
async def test_errors_show_only_for_a_field_the_user_has_typed_in(
    live_client: LiveClient,
) -> None:
    await Todo.objects.acreate(title="Buy bread")
    view = await live_client.live("/todos/")

    await view.change("#new-todo", {})
    assert not view.has_element("#title-error"), "an untouched field shows no error"

    await view.change("#new-todo", {"title": "ab"})
    assert "at least 3 characters" in view.text("#title-error")

    await view.change("#new-todo", {"title": "buy bread"})
    assert view.text("#title-error") == "That is already on the list."

    await view.change("#new-todo", {"title": "Buy milk"})
    assert not view.has_element("#title-error")


# --8<-- [end:errors]
async def test_submitting_an_empty_form_shows_the_error_and_saves_nothing(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/todos/")

    await view.submit("#new-todo", {"title": ""})

    assert view.text("#title-error") == "This field is required."
    assert not await Todo.objects.aexists()


async def test_search_narrows_one_persons_list_and_not_the_others(
    live_client_factory: Any,
) -> None:
    for title in ("Buy bread", "Buy milk", "Call the plumber"):
        await Todo.objects.acreate(title=title)
    mine: LiveViewTest = await (await live_client_factory()).live("/todos/")
    theirs: LiveViewTest = await (await live_client_factory()).live("/todos/")

    await mine.change("#search", {"q": "buy"})

    assert titles(mine) == ["Buy bread", "Buy milk"]
    assert titles(theirs) == ["Buy bread", "Buy milk", "Call the plumber"]

    await theirs.submit("#new-todo", {"title": "Buy eggs"})
    await mine.wait_for(lambda view: titles(view) == ["Buy bread", "Buy milk", "Buy eggs"])

    await mine.change("#search", {"q": "plumber"})
    assert titles(mine) == ["Call the plumber"]
