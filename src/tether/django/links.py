"""Live links in templates: ``{% live_patch %}`` and ``{% live_navigate %}``.

Each tag renders the attributes of an ``<a>`` that the client follows
without a page load, and takes what ``{% url %}`` takes (a URL name and its
arguments) or a path::

    <a {% live_patch "orders" tab="open" %}>Open orders</a>
    <a {% live_navigate "order-detail" order.pk replace=True %}>Details</a>
    <a {% live_patch "?page=2" %}>Next</a>

A patch keeps the view and runs its ``handle_params``; a navigation mounts
the URL's live view over the same socket (or loads the page, when live
navigation is not allowed: see docs/security.md). Without JavaScript, the
link is a plain link to the same URL.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import resolve_url
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tether import protocol


def link_url(to: str, *args: Any, **kwargs: Any) -> str:
    """A URL name (reversed with its arguments) or a path, as ``{% url %}`` would take it."""
    if to.startswith(("/", "?", "#", "http://", "https://")):
        return to
    try:
        return str(resolve_url(to, *args, **kwargs))
    except NoReverseMatch as exc:
        raise NoReverseMatch(f"live link to {to!r}: {exc}") from None


def _attributes(kind: str, to: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> SafeString:
    replace = bool(kwargs.pop("replace", False))
    return format_html(
        '{}="{}" {}="{}" {}="{}"',
        "href",
        link_url(to, *args, **kwargs),
        protocol.ATTR_LINK,
        kind,
        protocol.ATTR_LINK_STATE,
        protocol.KIND_REPLACE if replace else protocol.KIND_PUSH,
    )


def live_patch(to: str, *args: Any, **kwargs: Any) -> SafeString:
    """The attributes of a link that patches this view's URL (``replace=True`` to not push)."""
    return _attributes(protocol.LINK_PATCH, to, args, kwargs)


def live_navigate(to: str, *args: Any, **kwargs: Any) -> SafeString:
    """The attributes of a link to another live view, over the same socket."""
    return _attributes(protocol.LINK_REDIRECT, to, args, kwargs)
