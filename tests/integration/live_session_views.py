"""Live views in live sessions, for tests/integration/test_live_sessions*.py and
tests/e2e/test_browser_live_sessions.py (served there with
tests/e2e/live_sessions_settings.py).

Two live sessions: "club" (members only: tether.hooks.login_required) and "shop"
(public; a hook can close it). Pages outside any live session: /counter/ (the demo's),
/unguarded/ and /secret/ (tests/integration/urls.py), and /lobby/ here.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext

from tether import LiveView, event, live_session
from tether.hooks import login_required, permission_required


def trail_session(view: LiveView, request: HttpRequest) -> None:
    """A session hook that assigns (a plain def: it runs in the thread pool)."""
    view.trail = ["session"]


async def trail_view(view: LiveView, request: HttpRequest) -> None:
    view.trail = [*view.get_assigns().get("trail", []), "view"]


class ShopSwitch:
    """Whether the shop's hook lets anyone in (tests close it between render and join)."""

    open: ClassVar[bool] = True


async def shop_open(view: LiveView, request: HttpRequest) -> HttpResponseBase | None:
    return None if ShopSwitch.open else HttpResponseRedirect("/counter/")


class Page(LiveView):
    template_name = "itest/live_sessions/page.html"
    on_mount = [trail_view]
    heading: ClassVar[str] = ""
    #: How many times a page of this class mounted (a halted join never does).
    mounts: ClassVar[int] = 0

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        type(self).mounts += 1
        self.trail = [*self.get_assigns().get("trail", []), "mount"]
        self.heading_text = self.heading
        self.count = 0
        self.page_title = self.heading

    @event
    async def inc(self) -> None:
        self.count += 1


class ClubHome(Page):
    heading = "Club home"


class ClubLounge(Page):
    heading = "Club lounge"


class ClubVault(Page):
    """Its own hook (after the session's): halts as the query string asks."""

    heading = "Club vault"

    @staticmethod
    def guard(view: LiveView, request: HttpRequest) -> HttpResponseBase | None:
        halt = request.GET.get("halt")
        if halt == "redirect":
            view.put_flash("error", "The vault is closed.")
            return HttpResponseRedirect("/club/")
        if halt == "deny":
            raise PermissionDenied
        return None

    on_mount = [trail_view, guard]


class ClubAudit(Page):
    heading = "Club audit"
    on_mount = [permission_required("auth.view_user")]


class ShopHome(Page):
    heading = "Shop home"


class ShopCart(Page):
    heading = "Shop cart"


class Lobby(Page):
    heading = "Lobby"


# -- language, time zone, and what else runs per join -----------------------------------

NOON = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


class Localized(LiveView):
    """Translated strings and local times, rendered at the dead render and by events."""

    template_name = "itest/live_sessions/localized.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.when = NOON
        self.said = gettext("Yes")
        self.later = False
        self.tenant = getattr(request, "tenant", "")

    @event
    async def next_month(self) -> None:
        self.when = self.when + timedelta(days=31, hours=1)
        self.later = True

    @event
    def say(self) -> None:
        # A plain def: it runs in the thread pool, with the join's language still active.
        self.said = gettext("No")

    @event
    async def which_tenant(self) -> None:
        self.tenant = CURRENT_TENANT.get()


CURRENT_TENANT: ContextVar[str] = ContextVar("tenant", default="none")


def tenant(request: HttpRequest) -> Any:
    """A TETHER["ACTIVATE"] entry: set up once per join, active around every step."""
    request.tenant = request.COOKIES.get("tenant", "public")

    @contextmanager
    def active() -> Iterator[None]:
        token = CURRENT_TENANT.set(request.tenant)
        try:
            yield
        finally:
            CURRENT_TENANT.reset(token)

    return active


class TimezoneMiddleware:
    """Django's documented recipe: the user's zone from the session, per request."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        name = request.session.get("django_timezone")
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        return self.get_response(request)


urlpatterns = [
    path("lobby/", login_not_required(Lobby.as_view())),
    path("localized/", login_not_required(Localized.as_view())),
    *live_session(
        "club",
        [
            path("club/", ClubHome.as_view()),
            path("club/lounge/", ClubLounge.as_view()),
            path("club/vault/", ClubVault.as_view()),
            path("club/audit/", ClubAudit.as_view()),
        ],
        on_mount=[login_required, trail_session],
    ),
    *live_session(
        "shop",
        [
            path("shop/", login_not_required(ShopHome.as_view())),
            path("shop/cart/", login_not_required(ShopCart.as_view())),
        ],
        on_mount=["tests.integration.live_session_views.shop_open", trail_session],
    ),
]
