"""The dead render: a live view served over plain HTTP.

The page carries the live container (its id and signed tokens) so the browser
can join the same view over the WebSocket.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import DisallowedRedirect, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tether import protocol, tokens
from tether.conf import setting
from tether.django.answered import render_page
from tether.django.nested import render_deferred
from tether.effects import NavKind
from tether.errors import UnsafeRedirect
from tether.family import Placement
from tether.hooks import hooks_of, redirect_to_login, run_on_mount
from tether.live_sessions import live_session_of
from tether.rendering import ViewRenderer
from tether.sync import call

if TYPE_CHECKING:
    from tether.view import LiveView


logger = logging.getLogger("tether.views")

# The one script every live page must load (see templatetags/tether.py).
CLIENT_SCRIPT = "tether/tether.js"


def is_bare_entry(func: object) -> bool:
    """True for ``LiveView.as_view()`` itself, False for anything wrapping it."""
    return getattr(func, "tether_entry", None) is func


def new_element_id() -> str:
    return protocol.ID_PREFIX + secrets.token_urlsafe(9)


def user_id(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.pk)


def container(
    view_cls: type[LiveView],
    element_id: str,
    user: Any,
    inner: str,
    flash: dict[str, str] | None = None,
    *,
    csrf_secret: str = "",
    live_session: str | None = None,
) -> str:
    session = tokens.sign_session(
        tokens.SessionToken(
            tokens.view_path(view_cls),
            element_id,
            user_id(user),
            tokens.browser_key(csrf_secret),
            live_session,
        )
    )
    return format_html(
        '<div id="{}" {} {}="{}" {}="{}">{}</div>',
        element_id,
        protocol.ATTR_MAIN,
        protocol.ATTR_SESSION,
        session,
        protocol.ATTR_STATIC,
        # The flash rides in the static token, so the connected mount shows it too.
        tokens.sign_static(element_id, {"flash": flash} if flash else None),
        mark_safe(inner),  # the template's own output, escaped by it already
    )


_LAYOUTS_WARNED: set[str] = set()


def _warn_without_client(layout: str, page: str) -> None:
    """A live page whose layout loads no client never connects: say so, once per layout."""
    if CLIENT_SCRIPT in page or layout in _LAYOUTS_WARNED:
        return
    _LAYOUTS_WARNED.add(layout)
    logger.warning(
        "%s renders a live view but no {%% tether_scripts %%}: the page will never connect."
        " Add {%% load tether %%}{%% tether_scripts %%} to its <head>.",
        layout,
    )


def _with_flash(response: HttpResponseBase, flash: dict[str, str]) -> HttpResponseBase:
    """A redirect away from a page carries its flash: the next page reads it, as the
    client does after a live redirect."""
    if flash and response.has_header("Location"):
        response.set_cookie(protocol.FLASH_COOKIE, tokens.sign_flash(flash), max_age=60)
    return response


def live_view(view_cls: type[LiveView]) -> Callable[..., Awaitable[HttpResponseBase]]:
    async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = await request.auser()
        request.user = user
        live = view_cls()
        live.request = request
        if not live.has_access(request):
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied
        flash = tokens.verify_flash(request.COOKIES.get(protocol.FLASH_COOKIE))
        live.restore_flash(flash)
        session = live_session_of(request.resolver_match)
        halt = await run_on_mount(
            live, request, hooks_of(view_cls, session.on_mount if session else ())
        )
        if halt is not None:
            return _with_flash(halt, live.flash)
        try:
            await call(live.mount, request, **kwargs)
            await call(live.handle_params, request.GET, request.build_absolute_uri())
        except UnsafeRedirect as exc:
            raise DisallowedRedirect(str(exc)) from exc  # a 400, as Django answers it
        navigation = live.take_effects().navigation
        if navigation is not None and navigation.kind is not NavKind.PATCH:
            return _with_flash(HttpResponseRedirect(navigation.to), live.flash)
        csrf_token = get_token(request)  # the socket needs the CSRF cookie this sets
        secret = request.META["CSRF_COOKIE"]
        element_id = new_element_id()
        # Where its {% live_render %} children hang, and whose they are.
        live.place(Placement(element_id, element_id, "", user_id(user), tokens.browser_key(secret)))
        renderer = ViewRenderer(view_cls, request)
        html = await render_deferred(live, (await renderer.render(live)).to_html())
        page = render_page(
            view_cls.layout or setting("LAYOUT"),
            {
                "live": container(
                    view_cls,
                    element_id,
                    user,
                    html,
                    live.flash,
                    csrf_secret=secret,
                    live_session=session.name if session else None,
                ),
                "page_title": live.get_assigns().get("page_title", ""),
                "view": live,
                # Masked once: each masking draws 32 characters from the OS's random source.
                "csrf_token": csrf_token,
            },
            request,
        )
        _warn_without_client(view_cls.layout or setting("LAYOUT"), page)
        response = HttpResponse(page)
        if flash:
            response.delete_cookie(protocol.FLASH_COOKIE)
        return response

    view.view_class = view_cls  # type: ignore[attr-defined]
    # Points at itself: a decorator's functools.wraps copies it onto the wrapper,
    # where it then names another function, so a wrapped view is told apart.
    view.tether_entry = view  # type: ignore[attr-defined]
    view.__name__ = view_cls.__name__
    view.__qualname__ = view_cls.__qualname__
    view.__doc__ = view_cls.__doc__
    return view
