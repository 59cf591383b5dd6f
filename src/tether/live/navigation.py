"""Patches and params: the URL of a live view, and how a handler leaves it.

``handle_params`` sees an absolute URL, as at the dead render and the join.
A patch asked for inside ``handle_params`` runs ``handle_params`` again, a
bounded number of times, and the client is told only the last URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict

from tether import protocol, tokens
from tether.effects import Effects, Navigation, NavKind
from tether.errors import EventError
from tether.sync import call
from tether.view import LiveView

# A handle_params that keeps patching stops here, not in an endless loop.
MAX_PATCHES_PER_STEP = 8


async def handle_params(view: LiveView, base: str, url: str) -> str:
    """Run ``view.handle_params`` for ``url`` (relative to ``base``); the absolute URL."""
    absolute = urljoin(base or url, url)
    try:
        params = QueryDict(urlsplit(absolute).query)
    except TooManyFieldsSent as exc:  # what Django refuses over HTTP, refused here too
        raise EventError(f"URL refused: {exc}") from None
    await call(view.handle_params, params, absolute)
    return absolute


async def settle_params(view: LiveView, base: str, url: str) -> tuple[str, Effects]:
    """``handle_params`` for ``url``, following the patches it asks for (bounded)."""
    current = await handle_params(view, base, url)
    effects = view.take_effects()
    for _ in range(MAX_PATCHES_PER_STEP):
        nav = effects.navigation
        if nav is None or nav.kind is not NavKind.PATCH:
            break
        events = effects.events
        current = await handle_params(view, current, nav.to)
        effects = view.take_effects()
        effects.events = events + effects.events
        if effects.navigation is None:
            effects.navigation = nav
            break
    return current, effects


def nav_payload(nav: Navigation, flash: dict[str, str]) -> dict[str, Any]:
    """The body of a ``live_patch``, ``live_redirect`` or ``redirect`` for the client."""
    payload: dict[str, Any] = {protocol.TO: nav.to}
    if nav.kind is not NavKind.REDIRECT:
        payload[protocol.KIND] = protocol.KIND_REPLACE if nav.replace else protocol.KIND_PUSH
    if nav.kind is not NavKind.PATCH and flash:
        # The next page shows it: it rides along, signed.
        payload[protocol.FLASH] = tokens.sign_flash(flash)
    return payload
