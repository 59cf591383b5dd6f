"""Admission: may this socket join this live view?

A join is checked as the page's HTTP request was: the signed session and
static tokens (bound to the view, the element id and the user), the CSRF
token, the URL's view, the user and the view's access rules. Refusals use
the reasons the client acts on: ``stale`` and ``unauthorized`` make it reload
the page, which renders a fresh view or sends the user to log in; a
``redirect`` makes it load the URL over HTTP.

Live navigation (a join carrying ``redirect``) runs none of the URL's
decorators and none of the project's middleware, so it is admitted only
where that loses nothing: into a page of the live session the page was
rendered in (its name is in the signed session token; ``live_sessions.py``),
whose callback is the bare ``as_view()`` behind middleware known not to
refuse it. Everything else is answered with the redirect reply, and the
browser loads the URL over HTTP, ending the page's sticky views with it.

An admitted join then gets ready to mount (``before_mount``): what the
middleware would have activated (``django/activation.py``), then the
``on_mount`` hooks (``hooks.py``), any of which may still refuse it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

from tether import protocol, tokens
from tether.conf import setting
from tether.django import activation, auth
from tether.django.views import is_bare_entry, user_id
from tether.errors import InvalidToken, JoinRefused
from tether.hooks import hooks_of, run_on_mount
from tether.live_sessions import LiveSession, live_session_of
from tether.view import LiveView

logger = logging.getLogger("tether.join")
T = TypeVar("T")


@dataclass(slots=True)
class Admission:
    """What a refused-or-admitted join resolved to."""

    view_cls: type[LiveView]
    request: HttpRequest
    url: str
    navigating: bool  # live navigation (``redirect`` in the payload): no state to resume
    flash: dict[str, str]
    live_session: LiveSession | None = None  # the URL's, which the page's token names too
    connect_params: dict[str, Any] | None = None  # the client's params, but its CSRF token


# Django's own middleware that never refuses a GET that reached a view. Any other
# middleware might (a login wall, a tenant check), so with it installed live
# navigation becomes a full page load, unless the project lists it as trusted.
SAFE_MIDDLEWARE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.gzip.GZipMiddleware",
        "django.middleware.http.ConditionalGetMiddleware",
        "django.contrib.sites.middleware.CurrentSiteMiddleware",
    }
)
LOGIN_REQUIRED_MIDDLEWARE = "django.contrib.auth.middleware.LoginRequiredMiddleware"


def navigation_equivalent(func: object, request: HttpRequest) -> bool:
    """Would an HTTP GET of this URL run only what a live join checks?

    True for the bare ``as_view()`` (no decorator around it) behind middleware
    that is known not to refuse it; Django's ``LoginRequiredMiddleware`` is
    followed as it would decide (``login_not_required`` views pass)."""
    if not is_bare_entry(func):
        return False
    trusted = SAFE_MIDDLEWARE | set(setting("TRUSTED_MIDDLEWARE"))
    for path in settings.MIDDLEWARE:
        if path == LOGIN_REQUIRED_MIDDLEWARE:
            if getattr(func, "login_required", True) and not request.user.is_authenticated:
                return False
        elif path not in trusted:
            return False
    return True


def _refuse(reason: str) -> JoinRefused:
    return JoinRefused({protocol.REASON: reason})


def page_tokens(
    topic: str, payload: dict[str, Any], verify: Callable[..., T]
) -> tuple[T, dict[str, Any]]:
    """The join's session token (checked by ``verify``) and static token, both signed
    for this element; a forged, expired or misplaced one refuses the join as stale."""
    element_id = topic.removeprefix(protocol.LV_TOPIC_PREFIX)
    max_age = float(setting("TOKEN_MAX_AGE"))
    try:
        token = verify(payload.get(protocol.SESSION), element_id=element_id, max_age=max_age)
        static = tokens.verify_static(
            payload.get(protocol.STATIC_TOKEN), element_id=element_id, max_age=max_age
        )
    except InvalidToken as exc:
        logger.info("join on %s refused: %s", topic, exc)
        raise _refuse(protocol.REASON_STALE) from None
    return token, static


async def browser_request(
    scope: dict[str, Any], topic: str, url: str, payload: dict[str, Any], browser: str
) -> HttpRequest:
    """The join's request, made as its page's was: the URL, the session and user of
    the handshake's cookies. Refused without a valid CSRF token, or when the page's
    tokens were signed for another browser (reloading gives this one its own page)."""
    request = auth.build_request(scope, url)
    await auth.load_session_and_user(request)
    params = payload.get(protocol.PARAMS)
    csrf = params.get(protocol.CSRF_PARAM) if isinstance(params, dict) else None
    if not await auth.csrf_token_valid(request, csrf or scope.get("tether.csrf_token")):
        logger.info("join on %s refused: CSRF token missing or wrong", topic)
        raise _refuse(protocol.REASON_UNAUTHORIZED)
    if not tokens.same_browser(browser, request.META.get("CSRF_COOKIE")):
        logger.info("join on %s refused: the page was rendered for another browser", topic)
        raise _refuse(protocol.REASON_STALE)
    return request


async def admit(scope: dict[str, Any], topic: str, payload: object) -> Admission:
    """Check a join payload; raise ``JoinRefused`` with the client's reply, or admit it."""
    if not isinstance(payload, dict):
        raise _refuse("malformed join")
    token, static = page_tokens(topic, payload, tokens.verify_session)
    navigating = payload.get(protocol.REDIRECT) is not None
    url = payload.get(protocol.REDIRECT) if navigating else payload.get(protocol.URL)
    if not isinstance(url, str):
        raise _refuse(protocol.REASON_STALE)
    request = await browser_request(scope, topic, url, payload, token.browser)
    try:
        match = resolve(request.path_info)
    except Resolver404:
        raise _refuse(protocol.REASON_STALE) from None
    view_cls = getattr(match.func, "view_class", None)
    if not (isinstance(view_cls, type) and issubclass(view_cls, LiveView)):
        # Live navigation to a page that is not live: load it.
        raise JoinRefused({protocol.REDIRECT: {protocol.TO: url}})
    live_session = live_session_of(match.func)
    name = live_session.name if live_session is not None else None
    if navigating and name != token.live_session:
        # Another live session's pages need what only a page load gives them.
        logger.info("navigation from live session %r to %r loads %s", token.live_session, name, url)
        raise JoinRefused({protocol.REDIRECT: {protocol.TO: url}})
    if not navigating and name != token.live_session:
        raise _refuse(protocol.REASON_STALE)  # the URL moved to another live session
    if navigating and not navigation_equivalent(match.func, request):
        # Decorators or middleware would run over HTTP, and the socket runs
        # neither: let the browser load the page, so that they do.
        raise JoinRefused({protocol.REDIRECT: {protocol.TO: url}})
    if not navigating and view_cls is not import_string(token.view):
        raise _refuse(protocol.REASON_STALE)
    if user_id(request.user) != token.user_id:
        raise _refuse(protocol.REASON_UNAUTHORIZED)
    match.tried = None  # the patterns tried: only a 404 page needs them
    request.resolver_match = match
    probe = view_cls()
    probe.request = request
    if not probe.has_access(request):
        raise _refuse(protocol.REASON_UNAUTHORIZED)
    flash = static.get(protocol.FLASH)
    return Admission(
        view_cls=view_cls,
        request=request,
        url=url,
        navigating=navigating,
        flash=flash if isinstance(flash, dict) else {},
        live_session=live_session,
        connect_params=connect_params(payload),
    )


def connect_params(payload: dict[str, Any]) -> dict[str, Any]:
    """What the client sent as the join's ``params``: its own (``_mounts``...) and the
    page's ``window.TetherOptions.params``; the CSRF token has done its work."""
    params = payload.get(protocol.PARAMS)
    if not isinstance(params, dict):
        return {}
    return {k: v for k, v in params.items() if k != protocol.CSRF_PARAM}


async def before_mount(view: LiveView, admission: Admission) -> None:
    """Activate the request's language and time zone, then run the ``on_mount``
    hooks; a hook that halts refuses the join with where to go instead."""
    request = admission.request
    view._connect_params = admission.connect_params
    await activation.activate(request)
    session = admission.live_session
    hooks = hooks_of(admission.view_cls, session.on_mount if session is not None else ())
    halt: HttpResponseBase | None
    try:
        halt = await run_on_mount(view, request, hooks)
    except (PermissionDenied, Http404) as exc:
        logger.info("an on_mount hook of %s refused: %r", admission.view_cls.__qualname__, exc)
        halt = HttpResponseBase(status=404 if isinstance(exc, Http404) else 403)
    if halt is None:
        return
    # A redirect goes where it says; anything else is for a page load of the URL to show.
    to = halt["Location"] if halt.has_header("Location") else admission.url
    redirect: dict[str, Any] = {protocol.TO: to}
    if view.flash:
        redirect[protocol.FLASH] = tokens.sign_flash(view.flash)
    raise JoinRefused({protocol.REDIRECT: redirect})
