"""The demo's pages: one live view per feature."""

import asyncio
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from pages import catalog
from tether import LiveView, event

DEMOS = [
    ("todos", "Todos", "the tutorial's app: a live form, search, two tabs in sync, who is here"),
    ("counter", "Counter", "a button that counts, over the socket"),
    ("clock", "Clock", "the server pushes the time every second"),
    ("login-required", "Login required", "shows the signed-in user"),
    ("dashboard-async", "Async dashboard", "five panels load concurrently; one fails"),
    ("wizard", "Wizard", "a three-step form whose draft survives restarts"),
    ("chat/lobby", "Chat", "a room with presence and typing, across processes through Redis"),
    ("streams/scroll", "Infinite scroll", "100,000 rows paged by a stream; the page holds 150"),
    ("profile", "Profile", "avatar and attachments: drag and drop, progress, validation"),
    ("streams/limit", "Stream limit", "a list capped on the client, at either end"),
    ("templates/nested", "Nested templates", "if, for and include nested; rows keyed by id"),
    ("templates/table", "Sortable table", "sorting sends row indices, not rows"),
    ("templates/form", "Live form", "a Django form validated as you type"),
    (
        "teams/new",
        "Team and members",
        "a ModelForm and a formset: rows added live, errors where you typed",
    ),
    ("js", "JS commands", "show, hide, classes, attributes, focus and push, built in Python"),
    ("components/cards", "Cards", "live components: each card edits and validates itself"),
    ("components/contacts", "Contacts", "rows as components, loaded in one batch; a shared modal"),
    ("nested", "Nested views", "a sticky player keeps playing across pages; a bell of its own"),
    ("feedback", "Plain form", "a POST form with {% csrf_token %} inside a live page"),
    (
        "staff",
        "Staff area",
        "a live session: live between its pages, checked at every join (staff)",
    ),
    ("tether/dashboard", "Dashboard", "live figures of every process, built with Tether (staff)"),
]


def index(request: HttpRequest) -> HttpResponse:
    demos = [
        {"slug": slug, "title": title, "blurb": blurb, **catalog.links(slug)}
        for slug, title, blurb in DEMOS
    ]
    inner = render_to_string("pages/index.html", {"demos": demos}, request)
    return render(request, "layout.html", {"live": mark_safe(inner), "page_title": "Tether demos"})


class Counter(LiveView):
    template_name = "pages/counter.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.count = 0
        self.page_title = "Counter"

    # No I/O here, so async def: it runs on the event loop with no thread hop.
    @event
    async def inc(self) -> None:
        self.count += 1

    @event
    async def dec(self) -> None:
        self.count -= 1


class Clock(LiveView):
    template_name = "pages/clock.html"
    layout = "clock_layout.html"  # its page sends the browser's time zone with the join

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.now = _now()
        self.page_title = "Clock"
        # The browser's own time zone, which only the client knows: sent with the join.
        self.your_zone = str((self.connect_params or {}).get("timezone", ""))[:64]
        if self.connected:
            self.send_interval(1.0, "tick")

    async def on_thaw(self) -> None:
        # Timers are not frozen: start ticking again.
        self.send_interval(1.0, "tick")

    async def handle_info(self, message: Any) -> None:
        if message == "tick":
            self.now = _now()


class Private(LiveView):
    template_name = "pages/private.html"
    login_required = True

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.name = request.user.get_username()
        self.page_title = "Private"


def _now() -> str:
    return datetime.now(UTC).strftime("%H:%M:%S")


PANELS = [
    ("users", "Users", 0.05, 1284),
    ("orders", "Orders", 0.10, 342),
    ("revenue", "Revenue", 0.15, "$48,210"),
    ("latency", "API latency", 0.20, "87 ms"),
    ("inventory", "Inventory", 0.25, None),  # this one fails
]


async def _load_panel(delay: float, value: object) -> object:
    await asyncio.sleep(delay)
    if value is None:
        raise RuntimeError("inventory service unavailable")
    return value


class AsyncDashboard(LiveView):
    """Five panels loaded at once: the page waits for the slowest, not the sum."""

    template_name = "pages/dashboard_async.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Async dashboard"
        for key, _title, delay, value in PANELS:
            self.assign_async(key, _load_panel, delay, value)

    @event
    def reload(self) -> None:
        for key, _title, delay, value in PANELS:
            self.assign_async(key, _load_panel, delay, value)

    async def on_thaw(self) -> None:
        # Loads are not frozen: restart the ones still loading.
        for key, _title, delay, value in PANELS:
            if getattr(self, key).loading:
                self.assign_async(key, _load_panel, delay, value)


def counter_plain(request: HttpRequest) -> HttpResponse:
    """The counter page rendered by a plain Django view: the dead render's benchmark limit."""
    inner = render_to_string("pages/counter.html", {"count": 0}, request)
    return render(request, "layout.html", {"live": mark_safe(inner), "page_title": "Counter"})


WIZARD_FIELDS = ("name", "email", "plan")


class Wizard(LiveView):
    """A three-step form and a list: the draft lives on the server and survives restarts."""

    template_name = "pages/wizard.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Wizard"
        self.step = 1
        self.data = dict.fromkeys(WIZARD_FIELDS, "")
        self.items: list[dict[str, Any]] = []
        self.done = False

    @event
    def update(self, form: Any) -> None:
        self.data = {**self.data, **{k: form[k] for k in WIZARD_FIELDS if k in form}}

    @event
    def next(self, form: Any) -> None:
        self.update(form)
        if self.step < 3:
            self.step += 1
        else:
            self.done = True

    @event
    def back(self) -> None:
        self.step = max(1, self.step - 1)

    @event
    def add_item(self, form: Any) -> None:
        text = form.get("item", "").strip()
        if text:
            next_id = max((item["id"] for item in self.items), default=0) + 1
            self.items = [*self.items, {"id": next_id, "text": text}]


class Feedback(LiveView):
    """A plain POST form inside a live page: ``{% csrf_token %}`` as Django renders it.

    The connected render replaces the dead one in the browser, so the token it
    carries must be one for the browser's own CSRF secret.
    """

    template_name = "pages/feedback.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Feedback"
        self.live = self.connected
        self.length = 0
        self.changed = ""

    @event
    async def typing(self, form: Any) -> None:
        self.length = len(form.get("message", ""))
        self.changed = form.get("_target", "")  # the field the user just edited


@require_http_methods(["GET", "POST"])
def feedback_sent(request: HttpRequest) -> HttpResponse:
    """Where the feedback form posts, through Django's CSRF middleware like any form."""
    message = request.POST.get("message", "") if request.method == "POST" else ""
    return render(request, "pages/feedback_sent.html", {"message": message})
