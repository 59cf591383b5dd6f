"""JS commands built in Python: client-side effects with no round trip, and one push."""

from typing import Any

from django.http import HttpRequest

from tether import JS, LiveView, event

PANEL = "#panel"


class Commands:
    """Built once, at import: a JS value is immutable, so every page shares these."""

    toggle_panel = JS().toggle(to=PANEL)
    show_panel = JS().show(to=PANEL, display="block")
    hide_panel = JS().hide(to=PANEL)
    fade_in = JS().show(to=PANEL, transition=("fade-in", "opacity-0", "opacity-100"), time=50)
    highlight = JS().add_class("highlight", to=PANEL)
    unhighlight = JS().remove_class("highlight", to=PANEL)
    flip = JS().toggle_class("flipped", to=PANEL)
    pulse = JS().transition("pulsing", to=PANEL, time=50)
    mark = JS().set_attribute("data-state", "marked", to=PANEL)
    unmark = JS().remove_attribute("data-state", to=PANEL)
    expand = JS().toggle_attribute("aria-expanded", "true", "false", to=PANEL)
    announce = JS().dispatch("panel:announce", to=PANEL, detail={"who": "python"})
    run_stored = JS().exec("data-stored", to="#stored")
    focus_name = JS().focus(to="#name")
    focus_form = JS().focus_first(to="#form")
    remember_focus = JS().push_focus(to="#name")
    restore_focus = JS().pop_focus()
    count_and_show = JS().push("add", value={"by": "2"}).show(to=PANEL)
    go_clock = JS().navigate("/clock/")
    patch_tab = JS().patch("/js/?tab=two")


class JSCommands(LiveView):
    template_name = "pages/js_commands.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "JS commands"
        self.js = Commands  # a reference: the template reads {{ js.toggle_panel }}
        self.count = 0
        self.tab = "one"
        self.stored = str(JS().add_class("ran", to="#stored"))

    async def handle_params(self, params: Any, url: str) -> None:
        self.tab = params.get("tab", "one")

    @event
    async def crash(self) -> None:
        raise RuntimeError("a crash, on purpose: in DEBUG the page shows this traceback")

    @event
    async def add(self, payload: dict[str, Any]) -> None:
        self.count += int(payload.get("by", 1))
