"""Component pages the conformance tests drive (tests/conformance/test_issue_*.py).

Each page re-creates, as Django live views and components, the situation one
of Phoenix LiveView's end-to-end component scenarios checks: a component
racing its own destruction, components re-added with their subtrees, nested
components updating themselves, a form inside a component recovered after a
reconnect, keyed rows inside a component, hooks on component roots.
The hooks they need are in ``lab/layout.html``.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import path

from tether import AsyncResult, LiveComponent, LiveView, event, send_update

_LAB = "pages/components/lab/"


class LabView(LiveView):
    layout = _LAB + "layout.html"


# -- 3026: a component re-added while the client destroys it ------------------------


class StatusForm(LiveComponent):
    template_name = _LAB + "status_form.html"


class RaceDestroy(LabView):
    template_name = _LAB + "race_destroy.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.statuses = ["connecting", "loading", "connected", "loaded"]
        self.status = "loading" if self.connected else "connecting"
        self.name = self.email = ""
        if self.connected:
            self.send("load")

    async def handle_info(self, message: Any) -> None:
        if message == "load":
            await asyncio.sleep(0.2)
            self.status, self.name, self.email = "loaded", "John", ""

    @event
    def change_status(self, params: QueryDict) -> None:
        self.status = params.get("status", "")

    @event
    def validate(self, params: QueryDict) -> None:
        self.name, self.email = params.get("name", ""), params.get("email", "")

    @event
    def submit(self) -> None:
        self.send("load")
        self.status = "loading"


# -- 3117: components with a static part, after a live navigation -------------------


class StaticRow(LiveComponent):
    template_name = _LAB + "static_row.html"

    def update(self, assigns: dict[str, Any]) -> None:
        super().update(assigns)
        self.assign_async("foo", lambda: "bar")


class StaticRows(LabView):
    template_name = _LAB + "static_rows.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.rows = ["row-1", "row-2"]


# -- 3169: nested components that send_update themselves --------------------------


class FormColumn(LiveComponent):
    template_name = _LAB + "form_column.html"


class FormCore(LiveComponent):
    template_name = _LAB + "form_core.html"


class FormLoader(LiveComponent):
    template_name = _LAB + "form_loader.html"

    def mount(self) -> None:
        self.record: dict[str, Any] | None = None

    async def update(self, assigns: dict[str, Any]) -> None:
        if "action" in assigns:
            await asyncio.sleep(0.05)
            name = assigns["action"]
            self.record = {"id": random.randrange(1_000_000), "name": f"Record {name}"}
        elif assigns.get("selected") is not None:
            send_update(self, FormLoader, self.id, action=assigns["selected"])
            self.record = None


class NestedSelf(LabView):
    template_name = _LAB + "nested_self.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.selected: str | None = None

    @event
    def select(self, params: dict[str, Any]) -> None:
        self.selected = params["name"]


# -- 3200: a form in a component, recovered with a selector phx-target -------------


class Message(LiveComponent):
    template_name = _LAB + "message.html"


class MessagesTab(LiveComponent):
    template_name = _LAB + "messages_tab.html"

    def update(self, assigns: dict[str, Any]) -> None:
        self.value = ""  # every render of the parent resets it: recovery must refill it

    @event("add_message_change")
    def change(self, params: QueryDict) -> None:
        self.value = params.get("new_message", "")

    @event("add_message")
    def add(self) -> None:
        pass


class SettingsTab(LiveComponent):
    template_name = _LAB + "settings_tab.html"


class Tabs(LabView):
    template_name = _LAB + "tabs.html"

    async def handle_params(self, params: QueryDict, url: str) -> None:
        self.tab = "messages" if url.rstrip("/").endswith("messages") else "settings"


# -- 3684: radios in a keyed loop inside a component ----------------------------------


class BadgeForm(LiveComponent):
    template_name = _LAB + "badge_form.html"

    def mount(self) -> None:
        self.kind = "huey"
        self.kinds = ["huey", "dewey"]

    @event("change-type")
    def change_type(self, params: dict[str, Any]) -> None:
        self.kind = params["type"]


class Badges(LabView):
    template_name = _LAB + "badges.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.form = {"type": ""}

    @event
    def change(self) -> None:
        pass

    @event
    def submit(self) -> None:
        pass


# -- 3709: patches racing a component whose id follows the URL ----------------------


class Hello(LiveComponent):
    template_name = _LAB + "hello.html"


class PatchRace(LabView):
    template_name = _LAB + "patch_race.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.links = list(range(1, 11))

    async def handle_params(self, params: QueryDict, url: str) -> None:
        self.number = url.rstrip("/").rsplit("/", 1)[-1]
        self.user_key = f"user-{self.number}"


# -- 3941: component-only patches while a hook's event is in flight -----------------


class ItemHeader(LiveComponent):
    template_name = _LAB + "item_header.html"

    def update(self, assigns: dict[str, Any]) -> None:
        self.item = assigns["item"]
        self.assign_async("loaded", lambda: "assign")


class Item(LiveComponent):
    template_name = _LAB + "item.html"

    def update(self, assigns: dict[str, Any]) -> None:
        self.item = assigns["item"]
        self.assign_async("unused", lambda: True)


class MultiSelect(LabView):
    template_name = _LAB + "multi_select.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.options = ["Item_1", "Item_2"]
        self.selected = list(self.options)

    @event
    def toggle_item(self, params: dict[str, Any]) -> None:
        clicked, value = params["clicked"], params.get("value")
        if value is None:  # unchecked: the client sends no value
            self.selected = [s for s in self.selected if s != clicked]
        else:
            self.selected = sorted([*self.selected, value])

    @event
    def page_position_update(self) -> None:
        pass


# -- 3979: send_update after the component's DOM id changed -------------------------


class Tally(LiveComponent):
    template_name = _LAB + "tally.html"


def _tally(n: int, counter: int) -> dict[str, Any]:
    # The DOM id changes with the counter: the client sees a new root element.
    return {"n": n, "key": f"comp-{n}", "dom_id": f"hello-{n}-{counter}", "counter": counter}


class Tallies(LabView):
    template_name = _LAB + "tallies.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.counter = 1
        self.tallies = [_tally(i, 0) for i in range(1, 11)]

    @event
    def bump(self) -> None:
        self.send_after(0.1, ("update", self.counter))
        self.tallies = [
            _tally(t["n"], t["counter"] + 1) if t["n"] == self.counter else t for t in self.tallies
        ]
        self.counter += 1

    async def handle_info(self, message: Any) -> None:
        _kind, i = message
        send_update(self, Tally, f"comp-{i}", counter=10)


# -- 4027: keyed rows inside a component, replaced by an async load -----------------


class Results(LiveComponent):
    template_name = _LAB + "results.html"


class AsyncResults(LiveComponent):
    template_name = _LAB + "async_results.html"


async def _entries(first: bool) -> list[dict[str, Any]]:
    await asyncio.sleep(0.1)
    rows = [{"id": 1, "value": "First"}, {"id": 2, "value": "Second"}, {"id": 3, "value": "Third"}]
    return rows if first else rows[1:]


class KeyedInComponent(LabView):
    template_name = _LAB + "keyed.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.data = AsyncResult.success([])
        self.case = request.GET.get("case", "first")

    @event
    def load(self) -> None:
        self.assign_async("data", _entries, True)

    @event
    def remove(self) -> None:
        self.assign_async("data", _entries, False)


# -- 4066 and 4088: hooks that push to their component -------------------------------


class DelayedInput(LiveComponent):
    template_name = _LAB + "delayed_input.html"

    @event("do-something")
    def do_something(self, params: dict[str, Any]) -> None:
        pass


class Disconnected(LabView):
    template_name = _LAB + "disconnected.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.delay = request.GET.get("delay", "3000")
        self.render_lc = True
        self.rendered_at = next(_renders)

    @event
    def toggle(self) -> None:
        self.render_lc = not self.render_lc


_renders = itertools.count(1)


class Pusher(LiveComponent):
    template_name = _LAB + "pusher.html"

    def mount(self) -> None:
        self.test = "value"

    @event
    def my_update(self) -> None:
        self.test = str(random.random())


class LockedPush(LabView):
    template_name = _LAB + "locked_push.html"


# -- 4334: a component's root element changes its id ---------------------------------


class RootChanging(LiveComponent):
    template_name = _LAB + "root_changing.html"

    def mount(self) -> None:
        self.changed = False

    @event("change-root-id")
    def change_root(self) -> None:
        self.changed = True


class RootChange(LabView):
    template_name = _LAB + "root_change.html"


# -- 4350: a component revived with a child change tracking skips --------------------


class Leaf(LiveComponent):
    template_name = _LAB + "leaf.html"

    def mount(self) -> None:
        self.count = 0

    @event
    def bump(self) -> None:
        self.count += 1


class Branch(LiveComponent):
    template_name = _LAB + "branch.html"


class Revive(LabView):
    template_name = _LAB + "revive.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.show = True
        self.tick = 0

    @event
    def tick_up(self) -> None:
        self.tick += 1

    @event
    def hide(self) -> None:
        self.show = False

    @event("show")
    def show_again(self) -> None:
        self.show = True


urlpatterns = [
    path("lab/3026/", RaceDestroy.as_view()),
    path("lab/3117/", StaticRows.as_view()),
    path("lab/3169/", NestedSelf.as_view()),
    path("lab/3200/settings/", Tabs.as_view()),
    path("lab/3200/messages/", Tabs.as_view()),
    path("lab/3684/", Badges.as_view()),
    path("lab/3709/<int:number>/", PatchRace.as_view()),
    path("lab/3941/", MultiSelect.as_view()),
    path("lab/3979/", Tallies.as_view()),
    path("lab/4027/", KeyedInComponent.as_view()),
    path("lab/4066/", Disconnected.as_view()),
    path("lab/4088/", LockedPush.as_view()),
    path("lab/4334/", RootChange.as_view()),
    path("lab/4350/", Revive.as_view()),
]
