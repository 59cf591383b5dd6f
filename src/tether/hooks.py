"""``on_mount`` hooks: checks and setup that run before every mount of a live view.

A hook is ``hook(view, request)``, ``async def`` or plain ``def`` (run in the
thread pool, where the sync ORM works). It runs before ``mount`` at the dead
render and at every join over the socket: the first join, each live
navigation, a rejoin that resumes frozen state. So a check written once as a
hook holds however the page is reached, which a decorator on the URL cannot
promise (live navigation runs no decorator; see docs/navigation.md).

A hook may

- assign: ``view.current_user = request.user``;
- go on: return ``None``;
- halt: return a response. At the dead render that response is the answer
  (a redirect, a 403 page...). At a join the view is never mounted: a
  redirect sends the browser there, any other response makes the browser
  load the URL over HTTP, where the same hook answers it. Raising
  ``PermissionDenied`` or ``Http404`` halts the same way.

Hooks come from the live session first (``live_session(..., on_mount=[...])``),
then the view (``on_mount = [...]``, a class attribute), each in order; a
dotted path names a hook as ``MIDDLEWARE`` names middleware.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.shortcuts import resolve_url

from tether.conf import imported
from tether.errors import ConfigurationError
from tether.sync import call

if TYPE_CHECKING:
    from tether.view import LiveView

Hook = Callable[["LiveView", HttpRequest], HttpResponseBase | Awaitable[Any] | None]


def redirect_to_login(next_url: str) -> HttpResponseRedirect:
    """To ``LOGIN_URL``, coming back here after, as ``login_required`` does."""
    login = QueryDict(mutable=True)
    login[REDIRECT_FIELD_NAME] = next_url
    return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{login.urlencode(safe='/')}")


def resolve(spec: Hook | str) -> Hook:
    return imported(spec, "on_mount hook") if isinstance(spec, str) else spec


async def run_on_mount(
    view: LiveView, request: HttpRequest, hooks: Iterable[Hook | str]
) -> HttpResponseBase | None:
    """Run ``hooks`` in order; the first response one returns halts, and is returned."""
    for spec in hooks:
        hook = resolve(spec)
        outcome = await call(hook, view, request)
        if outcome is None:
            continue
        if not isinstance(outcome, HttpResponseBase):
            raise ConfigurationError(
                f"on_mount hook {getattr(hook, '__qualname__', hook)!r} returned {outcome!r}:"
                " return None to go on, or a response (such as redirect(...)) to halt"
            )
        return outcome
    return None


def hooks_of(view_cls: type[LiveView], first: Iterable[Hook | str] = ()) -> list[Hook | str]:
    """A page's hooks: its live session's (``first``), then its view's."""
    return [*first, *getattr(view_cls, "on_mount", ())]


# -- the hooks Tether ships --------------------------------------------------------


async def login_required(view: LiveView, request: HttpRequest) -> HttpResponseBase | None:
    """Anonymous users go to ``LOGIN_URL`` and come back after, as Django's
    ``login_required`` decorator sends them, however they reached the page."""
    if request.user.is_authenticated:
        return None
    return redirect_to_login(request.get_full_path())


def permission_required(*perms: str, raise_exception: bool = False) -> Hook:
    """A hook that lets through users with every one of ``perms``, as Django's
    ``PermissionRequiredMixin`` does: anonymous users go to ``LOGIN_URL``, the
    others get a 403 (anonymous users too with ``raise_exception=True``)."""

    async def hook(view: LiveView, request: HttpRequest) -> HttpResponseBase | None:
        user = request.user
        if await user.ahas_perms(perms):
            return None
        if raise_exception or user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.get_full_path())

    hook.__qualname__ = f"permission_required{perms!r}"
    return hook
