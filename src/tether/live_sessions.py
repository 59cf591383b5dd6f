"""Live sessions: groups of URL patterns that live navigation stays inside.

Live navigation swaps one live view for another over the open socket, so
nothing of the HTTP request cycle runs for the new page: not the URL's
decorators, not the project's middleware. A live session is a promise that
this is safe: its pages share their checks (the ``on_mount`` hooks, which run
at the dead render and at every join alike), so moving between them needs
nothing the socket does not do. Anything else, a page of another live
session, a page outside every live session, is loaded over HTTP.

The dead render signs the page's live session into its session token
(``tokens.SessionToken.live_session``), and a navigation join is admitted
only into a URL of that same live session (``live/join.py``). Phoenix draws
the same line with ``live_session``.

How a URL names its live session: the pattern's callback carries it as an
attribute, the way ``csrf_exempt`` and ``login_not_required`` mark a
callback. A ``ResolverMatch`` keeps the callback through every
``include()``, so the resolved URL names its session at the dead render and
at every join alike, with no second resolver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import ResolverMatch, URLPattern, URLResolver

from tether.errors import ConfigurationError

# The attribute a marked callback carries (beside Django's own ``csrf_exempt``...).
MARK = "tether_live_session"

Pattern = URLPattern | URLResolver
# A hook, or the dotted path of one: see tether.hooks.
HookSpec = Callable[..., Any] | str


@dataclass(frozen=True, slots=True)
class LiveSession:
    """A named group of URLs, and the ``on_mount`` hooks every one of its pages runs."""

    name: str
    on_mount: tuple[HookSpec, ...] = ()


def live_session(
    name: str, patterns: Sequence[Pattern], *, on_mount: Sequence[HookSpec] = ()
) -> list[Pattern]:
    """Group URL patterns into the live session ``name``; use the result in ``urlpatterns``.

        urlpatterns = [
            path("", views.index),
            *live_session("admin", [
                path("admin/users/", AdminUsers.as_view()),
                path("admin/audit/", include("audit.urls")),
            ], on_mount=[tether.hooks.login_required]),
        ]

    Live navigation moves between the pages of one live session; to any other
    page the browser loads it over HTTP. ``on_mount`` hooks run before every
    page's ``mount``, before the view's own ``on_mount`` hooks.
    """
    if not isinstance(name, str) or not name:
        raise ConfigurationError(f"live_session() needs a non-empty name, not {name!r}")
    session = LiveSession(name, tuple(on_mount))
    for pattern in patterns:
        _mark(pattern, session)
    return list(patterns)


def _mark(pattern: Pattern, session: LiveSession) -> None:
    if isinstance(pattern, URLResolver):
        for inner in pattern.url_patterns:
            _mark(inner, session)
        return
    callback = pattern.callback
    known = getattr(callback, MARK, None)
    if known is not None and known != session:
        raise ConfigurationError(
            f"the view of URL pattern {str(pattern.pattern)!r} is already in live session"
            f" {known.name!r}: a view callback belongs to one live session; give each"
            " pattern its own (call as_view() once per pattern)"
        )
    try:
        setattr(callback, MARK, session)
    except AttributeError:
        raise ConfigurationError(
            f"the view of URL pattern {str(pattern.pattern)!r} ({callback!r}) cannot be"
            " marked with its live session; wrap it in a function"
        ) from None


def live_session_of(found: ResolverMatch | Callable[..., Any] | None) -> LiveSession | None:
    """The live session of a resolved URL (or of its view callback); None outside any."""
    func = found.func if isinstance(found, ResolverMatch) else found
    session = getattr(func, MARK, None)
    return session if isinstance(session, LiveSession) else None


def live_session_name(found: ResolverMatch | Callable[..., Any] | None) -> str | None:
    """What a page's session token records: its live session's name, or None."""
    session = live_session_of(found)
    return session.name if session is not None else None
