"""The staff area: a live session whose pages share one check, run at every join.

Every page of the "staff" live session (demo/urls.py) runs the session's
on_mount hooks before its mount: Tether's ``login_required``, then
``staff_only`` below. They run at the dead render and again at every join, a
live navigation between the staff pages included, so the check holds however
the page is reached. Leaving the area (a link to a page of no live session)
loads that page over HTTP.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tether import LiveView, event


async def staff_only(view: LiveView, request: HttpRequest) -> None:
    """Signed-in users who are not staff get a 403; staff see their name on every page."""
    if not request.user.is_staff:
        raise PermissionDenied
    view.staff_name = request.user.get_username()


class StaffHome(LiveView):
    template_name = "pages/staff/home.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Staff"
        self.users = await get_user_model().objects.acount()
        self.notes = 0

    @event
    async def note(self) -> None:
        self.notes += 1


class StaffPeople(LiveView):
    template_name = "pages/staff/people.html"

    def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        # A plain def: the sync ORM runs in the thread pool.
        self.page_title = "Staff: people"
        users = get_user_model().objects.order_by("username")
        self.people = [{"name": u.get_username(), "staff": u.is_staff} for u in users]
