"""Live pages built from ordinary Django templates: nested tags, a sortable table, a form.

Each page is a plain ``LiveView`` whose template uses ``{% if %}``, ``{% for %}``
and ``{% include %}`` as any Django template would; the compiler keys loop rows
by their ``"id"``, so only changed rows (or moved row indices) go over the wire.
"""

from __future__ import annotations

import random
from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict

from pages.models import Signup
from tether import LiveView, event

# -- nested if / for / include --------------------------------------------------------


def _projects() -> list[dict[str, Any]]:
    return [
        {
            "id": 1,
            "name": "Website",
            "show_done": False,
            "tasks": [
                {"id": 1, "title": "Write copy", "done": True},
                {"id": 2, "title": "Pick fonts", "done": False},
                {"id": 3, "title": "Ship it", "done": False},
            ],
        },
        {
            "id": 2,
            "name": "Garden",
            "show_done": False,
            "tasks": [
                {"id": 4, "title": "Plant tulips", "done": True},
                {"id": 5, "title": "Fix the fence", "done": True},
            ],
        },
        {"id": 3, "name": "Taxes", "show_done": False, "tasks": []},
    ]


class NestedTemplates(LiveView):
    """Projects holding tasks: a loop in a loop, branches inside both, a partial per task."""

    template_name = "pages/tpl/nested.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Nested templates"
        self.projects = _projects()
        self.next_task_id = 100

    def _replace(self, project_id: int, **changes: Any) -> None:
        # Rows are compared one level deep: replace the project dict, as in Phoenix.
        self.projects = [
            {**project, **changes} if project["id"] == project_id else project
            for project in self.projects
        ]

    def _project(self, payload: dict[str, Any]) -> dict[str, Any]:
        project_id = int(payload["project"])
        return next(p for p in self.projects if p["id"] == project_id)

    @event
    def toggle_done(self, payload: dict[str, Any]) -> None:
        project = self._project(payload)
        self._replace(project["id"], show_done=not project["show_done"])

    @event
    def add_task(self, payload: dict[str, Any]) -> None:
        project = self._project(payload)
        self.next_task_id += 1
        task = {"id": self.next_task_id, "title": f"Task {self.next_task_id}", "done": False}
        self._replace(project["id"], tasks=[*project["tasks"], task])

    @event
    def remove_task(self, payload: dict[str, Any]) -> None:
        project = self._project(payload)
        task_id = int(payload["task"])
        self._replace(project["id"], tasks=[t for t in project["tasks"] if t["id"] != task_id])

    @event
    def toggle_task(self, payload: dict[str, Any]) -> None:
        project = self._project(payload)
        task_id = int(payload["task"])
        tasks = [
            {**t, "done": not t["done"]} if t["id"] == task_id else t for t in project["tasks"]
        ]
        self._replace(project["id"], tasks=tasks)


# -- a sortable table ---------------------------------------------------------------

FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John"]
CITIES = ["Lisbon", "Oslo", "Quito", "Nairobi", "Kyoto", "Denver", "Tallinn"]
SORTABLE = ("id", "name", "city", "score")


def people(count: int = 24, seed: int = 7) -> list[dict[str, Any]]:
    """Deterministic rows, so tests know the sorted orders."""
    rng = random.Random(seed)
    return [
        {
            "id": n,
            "name": f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {chr(ord('A') + (n * 7) % 26)}.",
            "city": rng.choice(CITIES),
            "score": rng.randint(0, 999),
        }
        for n in range(1, count + 1)
    ]


def sort_rows(rows: list[dict[str, Any]], by: str, descending: bool) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: (row[by], row["id"]), reverse=descending)


class SortableTable(LiveView):
    """Clicking a header reorders keyed rows: the diff carries old row indices, not rows."""

    template_name = "pages/tpl/table.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Sortable table"
        self.columns = list(SORTABLE)
        self.sort_by = "id"
        self.descending = False
        self.rows = people()

    @event
    def sort(self, payload: dict[str, Any]) -> None:
        by = payload.get("by", "id")
        if by not in SORTABLE:
            return
        if by == self.sort_by:
            self.descending = not self.descending
        else:
            self.sort_by, self.descending = by, False
        self.rows = sort_rows(self.rows, self.sort_by, self.descending)

    @event
    def bump(self, payload: dict[str, Any]) -> None:
        """Add one to a row's score; the table keeps its order until sorted again."""
        row_id = int(payload["id"])
        self.rows = [
            {**row, "score": row["score"] + 1} if row["id"] == row_id else row for row in self.rows
        ]


# -- a Django form with live validation -------------------------------------------------


class SignupForm(forms.ModelForm):  # type: ignore[type-arg]
    name = forms.CharField(min_length=3, max_length=40)

    class Meta:
        model = Signup
        fields = ["name", "email", "plan"]


class SignupFormPage(LiveView):
    """``phx-change`` validates as the user types; ``phx-submit`` saves.

    A field's errors show once it has held a value, or after a submit, so an
    untouched form is not covered in red.
    """

    template_name = "pages/tpl/form.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Signup form"
        # A bound ModelForm is view state: frozen as its class, data and
        # instance, and rebuilt on thaw (tether/state/forms.py).
        self.form = SignupForm()
        self.touched: list[str] = []
        self.saved: dict[str, str] | None = None

    @event
    def validate(self, payload: QueryDict) -> None:
        self.form = SignupForm(payload)
        self.form.is_valid()
        self.touched = [
            name for name in self.form.fields if name in self.touched or payload.get(name)
        ]
        self.saved = None

    @event
    def save(self, payload: QueryDict) -> None:
        form = SignupForm(payload)
        if form.is_valid():
            signup = form.save()
            self.saved = {"name": signup.name, "email": signup.email, "plan": signup.plan}
            self.form = SignupForm()
            self.touched = []
        else:
            self.form = form
            self.touched = list(form.fields)
            self.saved = None
