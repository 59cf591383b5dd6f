"""Where each demo page's code and documentation live, for the index and /source/.

Keyed by the page's slug in ``views.DEMOS``; a page missing here is listed
without links. Paths are relative to the repository's root.
"""

from __future__ import annotations

from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

ROOT = Path(__file__).resolve().parents[3]

VIEWS = "examples/demo/pages/views.py"
PAGES = "examples/demo/pages/templates/pages/"

# slug -> (source files, the docs page that explains it)
CATALOG: dict[str, tuple[tuple[str, ...], str]] = {
    "todos": (
        ("examples/demo/todos/views.py", "examples/demo/todos/templates/todos/todos.html"),
        "docs/tutorial.md",
    ),
    "counter": ((VIEWS, PAGES + "counter.html"), "docs/live-views.md"),
    "staff": (
        ("examples/demo/pages/staff.py", "examples/demo/demo/urls.py", PAGES + "staff/home.html"),
        "docs/navigation.md",
    ),
    "clock": ((VIEWS, PAGES + "clock.html"), "docs/live-views.md"),
    "login-required": ((VIEWS, PAGES + "private.html"), "docs/security.md"),
    "dashboard-async": ((VIEWS, PAGES + "dashboard_async.html"), "docs/concurrency.md"),
    "wizard": ((VIEWS, PAGES + "wizard.html"), "docs/state.md"),
    "chat/lobby": (("examples/demo/pages/chat.py", PAGES + "chat.html"), "docs/presence.md"),
    "streams/scroll": (("examples/demo/pages/scroll.py", PAGES + "scroll.html"), "docs/streams.md"),
    "streams/limit": (
        ("examples/demo/pages/streams_lab.py", PAGES + "streams/limit.html"),
        "docs/streams.md",
    ),
    "templates/nested": (
        ("examples/demo/pages/templates_demo.py", PAGES + "tpl/nested.html"),
        "docs/templates.md",
    ),
    "templates/table": (
        ("examples/demo/pages/templates_demo.py", PAGES + "tpl/table.html"),
        "docs/templates.md",
    ),
    "templates/form": (
        ("examples/demo/pages/templates_demo.py", PAGES + "tpl/form.html"),
        "docs/state.md",
    ),
    "teams/new": (
        (
            "examples/demo/teams/views.py",
            "examples/demo/teams/forms.py",
            "examples/demo/teams/templates/teams/new_team.html",
        ),
        "docs/forms.md",
    ),
    "js": (
        ("examples/demo/pages/js_commands.py", PAGES + "js_commands.html"),
        "docs/reference/tether.md",
    ),
    "feedback": ((VIEWS, PAGES + "feedback.html"), "docs/security.md"),
    "nested": (
        ("examples/demo/pages/nested_views.py", PAGES + "nested/base.html"),
        "docs/nested.md",
    ),
    "tether/dashboard": (("src/tether/dashboard/views.py",), "docs/telemetry.md"),
}

SHOWABLE = frozenset(path for sources, doc in CATALOG.values() for path in (*sources, doc))


def links(slug: str) -> dict[str, object]:
    """The page's files as (path, short name) pairs, and its docs page."""
    sources, doc = CATALOG.get(slug, ((), ""))
    return {"sources": [(path, Path(path).name) for path in sources], "doc": doc}


def source(request: HttpRequest, path: str) -> HttpResponse:
    """One of the catalogued files, as text: the code behind a demo page, or its docs."""
    if path not in SHOWABLE:
        raise Http404("not a catalogued file")
    text = (ROOT / path).read_text(encoding="utf-8")
    inner = render_to_string("pages/source.html", {"path": path, "text": text}, request)
    return render(request, "layout.html", {"live": mark_safe(inner), "page_title": path})
