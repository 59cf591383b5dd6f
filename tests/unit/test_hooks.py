"""tether.hooks: running on_mount hooks, and the ones Tether ships."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect

from tether import LiveView
from tether.errors import ConfigurationError
from tether.hooks import hooks_of, login_required, permission_required, run_on_mount


class Page(LiveView):
    on_mount = ["tests.unit.test_hooks.second"]


async def first(view: LiveView, request: HttpRequest) -> None:
    view.seen = ["first"]


async def second(view: LiveView, request: HttpRequest) -> None:
    view.seen = [*view.get_assigns().get("seen", []), "second"]


async def halt(view: LiveView, request: HttpRequest) -> HttpResponseBase:
    return HttpResponseRedirect("/elsewhere/")


def _request(path: str = "/page/?x=1", user: Any = None) -> HttpRequest:
    request = HttpRequest()
    request.path = request.path_info = "/page/"
    request.META["QUERY_STRING"] = "x=1"
    request.user = user or AnonymousUser()
    return request


async def test_session_hooks_run_before_the_views_in_order() -> None:
    view = Page()
    assert await run_on_mount(view, _request(), hooks_of(Page, [first])) is None
    assert view.get_assigns()["seen"] == ["first", "second"]


async def test_the_first_response_halts_and_later_hooks_never_run() -> None:
    view = Page()
    outcome = await run_on_mount(view, _request(), hooks_of(Page, [halt, first]))
    assert isinstance(outcome, HttpResponseRedirect)
    assert outcome.url == "/elsewhere/"
    assert "seen" not in view.get_assigns()


async def test_a_hook_returning_something_else_says_what_to_return() -> None:
    async def sloppy(view: LiveView, request: HttpRequest) -> bool:
        return True

    with pytest.raises(ConfigurationError, match="return None to go on, or a response"):
        await run_on_mount(Page(), _request(), [sloppy])


async def test_a_hook_path_that_does_not_import_says_so() -> None:
    with pytest.raises(ConfigurationError, match="cannot be imported"):
        await run_on_mount(Page(), _request(), ["tests.unit.test_hooks.missing"])


async def test_login_required_sends_anonymous_users_to_login_and_back(settings: Any) -> None:
    settings.LOGIN_URL = "/signin/"
    outcome = await login_required(Page(), _request())
    assert isinstance(outcome, HttpResponseRedirect)
    assert outcome.url == "/signin/?next=/page/%3Fx%3D1"


async def test_permission_required_denies_a_user_without_the_permission() -> None:
    class Member:
        is_authenticated = True

        async def ahas_perms(self, perms: Any) -> bool:
            return "shop.refund" not in perms

    hook = permission_required("shop.refund")
    with pytest.raises(PermissionDenied):
        await hook(Page(), _request(user=Member()))
    assert await permission_required("shop.view")(Page(), _request(user=Member())) is None
    anonymous = await hook(Page(), _request())
    assert isinstance(anonymous, HttpResponseRedirect)
