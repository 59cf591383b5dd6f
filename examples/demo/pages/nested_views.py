"""A layout of live parts: a sticky "now playing" player and a notification bell.

Both pages extend ``pages/nested/base.html``, whose ``{% live_render %}`` tags
place two child views: the bell (its own state; it remounts with each page)
and the player (``sticky=True``: live navigation between the pages leaves it
playing, its elapsed time counting and its likes kept).
"""

from typing import Any

from django.http import HttpRequest

from tether import LiveView, event

TRACKS = ["Blue in Green", "So What", "Freddie Freeloader"]


class NowPlaying(LiveView):
    """The player: it keeps playing while the user moves between pages."""

    template_name = "pages/nested/player.html"

    async def mount(self, request: HttpRequest, **session: Any) -> None:
        self.track = 0
        self.title = TRACKS[0]
        self.elapsed = 0
        self.likes = 0
        self.playing = True
        if self.connected:
            self.send_interval(1.0, "tick")

    async def on_thaw(self) -> None:
        # Timers are not frozen: a page resumed after a reconnect starts the clock again.
        self.send_interval(1.0, "tick")

    async def handle_info(self, message: Any) -> None:
        if message == "tick" and self.playing:
            self.elapsed += 1

    @event
    async def like(self) -> None:
        self.likes += 1

    @event
    async def toggle(self) -> None:
        self.playing = not self.playing

    @event
    async def skip(self) -> None:
        self.track = (self.track + 1) % len(TRACKS)
        self.title = TRACKS[self.track]
        self.elapsed = 0
        # Tell the page (and so its bell) what is playing now.
        if self.parent_view is not None:
            self.parent_view.send(("now-playing", self.title))


class Notifications(LiveView):
    """The bell: its own list and its own crashes, told of news by its page."""

    template_name = "pages/nested/bell.html"

    async def mount(self, request: HttpRequest, **session: Any) -> None:
        self.owner = session.get("owner", "guest")
        self.items: list[str] = []
        self.seen = 0

    async def handle_info(self, message: Any) -> None:
        if isinstance(message, tuple) and message[0] == "notify":
            self.items = [*self.items, str(message[1])]

    @event
    async def inc(self) -> None:
        # Same event name as the page's button: only the view that owns the element gets it.
        self.seen += 1

    @event
    async def clear(self) -> None:
        cleared = len(self.items)
        self.items = []
        if self.parent_view is not None:
            self.parent_view.send(("cleared", cleared))

    @event
    async def boom(self) -> None:
        raise RuntimeError("the bell crashed (on purpose): its page lives on")


class _Page(LiveView):
    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.count = 0
        self.cleared = 0
        self.now_playing = TRACKS[0]
        self.owner = request.user.get_username() or "guest"
        self.bell_session = {"owner": self.owner}  # the bell's mount gets it (JSON values)

    async def handle_info(self, message: Any) -> None:
        if isinstance(message, tuple) and message[0] == "cleared":
            self.cleared += message[1]
        elif isinstance(message, tuple) and message[0] == "now-playing":
            self.now_playing = message[1]
            self.child_view("bell").send(("notify", f"Now playing: {message[1]}"))

    @event
    async def inc(self) -> None:
        self.count += 1

    @event
    async def notify(self) -> None:
        self.child_view("bell").send(("notify", f"Hello #{self.count}"))


class Home(_Page):
    template_name = "pages/nested/home.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        await super().mount(request, **kwargs)
        self.page_title = "Nested views: home"


class Queue(_Page):
    template_name = "pages/nested/queue.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        await super().mount(request, **kwargs)
        self.page_title = "Nested views: up next"
        self.upcoming = TRACKS[1:]
