"""What Django's middleware makes active for a request, made active on the socket.

Over HTTP, ``LocaleMiddleware`` activates the request's language and a
project's time zone middleware its user's zone; templates then render
translated strings and local times. The socket runs no middleware, so a
live view would render its events in the server's defaults: a page shown in
French would answer a click in English.

``TETHER["ACTIVATE"]`` lists functions (dotted paths) Tether calls at every
join with the view's request, ``async def`` or plain ``def``. Each may do
its one-off work for the join (set an attribute on the request, as a
middleware would) and returns a context manager, or None. The context
managers are entered around the join's hooks, ``mount`` and render, and
again around every later step of that view (each event, message, patch and
load result), in order, so a plain ``def`` handler in the thread pool sees
them too (asgiref carries the language and the zone into the thread). One
is entered again at each step, so return one that can be (Django's
``translation.override`` and ``timezone.override`` can), or a function that
makes a fresh one.

The defaults: ``language`` (what ``LocaleMiddleware`` would pick for the
join's URL, cookie and ``Accept-Language``; ``LANGUAGE_CODE`` without that
middleware) and ``time_zone`` (the zone named in the session under
``"django_timezone"``, the key of Django's own time zone recipe; else
``TIME_ZONE``).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpRequest
from django.utils import timezone, translation

from tether.conf import imported, setting
from tether.sync import call

LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"
# The session key Django's documentation stores a user's time zone under.
TIME_ZONE_SESSION_KEY = "django_timezone"
# Where a joined view's request keeps what to enter around each of its steps.
_ACTIVE = "tether_activate"

Activation = AbstractContextManager[Any] | Callable[[], AbstractContextManager[Any]]

# The exit stack of the step running in this task: a join adds to it.
_step_stack: ContextVar[ExitStack | None] = ContextVar("tether_step_stack", default=None)


def _enter(stack: ExitStack, activation: Activation) -> None:
    # A context manager is entered again; a function makes a fresh one each time.
    manager = activation if isinstance(activation, AbstractContextManager) else activation()
    stack.enter_context(manager)


async def activate(request: HttpRequest) -> None:
    """At a join: run ``TETHER["ACTIVATE"]`` for its request, enter what they return for
    the rest of this step, and keep it for the view's later steps."""
    activations: list[Activation] = []
    for path in setting("ACTIVATE"):
        made = await call(imported(path, 'TETHER["ACTIVATE"] entry'), request)
        if made is not None:
            activations.append(made)
    setattr(request, _ACTIVE, activations)
    stack = _step_stack.get()
    if stack is not None:
        for activation in activations:
            _enter(stack, activation)


_NOTHING = nullcontext()


def step(request: HttpRequest) -> AbstractContextManager[None]:
    """Around one step of a live view: what its join activated, active again."""
    if getattr(request, _ACTIVE, None) == []:
        # Joined with nothing to activate: the defaults need no stack, and a
        # click or a broadcast no generator context manager.
        return _NOTHING
    return _stepping(request)


@contextmanager
def _stepping(request: HttpRequest) -> Iterator[None]:
    with ExitStack() as stack:
        token = _step_stack.set(stack)
        try:
            for activation in getattr(request, _ACTIVE, ()):
                _enter(stack, activation)
            yield
        finally:
            _step_stack.reset(token)


# -- the defaults ------------------------------------------------------------------


async def language(request: HttpRequest) -> AbstractContextManager[Any] | None:
    """The language ``LocaleMiddleware`` would activate for this request, as
    ``request.LANGUAGE_CODE`` too; ``LANGUAGE_CODE`` when it is not installed.
    Nothing to enter for ``LANGUAGE_CODE``: it is what an inactive step speaks."""
    code = settings.LANGUAGE_CODE
    if LOCALE_MIDDLEWARE in settings.MIDDLEWARE:
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        prefixed, default_prefixed = is_language_prefix_patterns_used(urlconf)
        code = translation.get_language_from_request(request, check_path=prefixed)
        if (
            prefixed
            and not default_prefixed
            and not translation.get_language_from_path(request.path_info)
        ):
            code = settings.LANGUAGE_CODE  # an unprefixed URL is the default language's
    with translation.override(code):
        request.LANGUAGE_CODE = translation.get_language()
    if request.LANGUAGE_CODE == settings.LANGUAGE_CODE:
        return None  # entering it around every click would cost a click a fifth more
    return translation.override(request.LANGUAGE_CODE)


async def time_zone(request: HttpRequest) -> AbstractContextManager[Any] | None:
    """The zone the session names under ``"django_timezone"`` (Django's documented
    recipe for a user's time zone), else ``TIME_ZONE``, which needs nothing entered."""
    zone = None
    session = getattr(request, "session", None)
    name = await session.aget(TIME_ZONE_SESSION_KEY) if session is not None else None
    if isinstance(name, str) and name:
        try:
            zone = zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None  # a stale or forged name: the default, as a bad cookie gets
    return timezone.override(zone) if zone is not None else None
