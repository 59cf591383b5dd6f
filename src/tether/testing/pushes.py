"""The payloads the pinned Phoenix client pushes, built as it builds them.

A test passes only if the server handles what a browser really sends, so each
function here follows one path of ``phoenix_live_view.esm.js`` (1.2): the join
(``View`` + ``connectParams``), ``pushEvent`` (clicks, keys, focus), ``pushInput``
(``phx-change``), ``pushFormSubmit`` (``phx-submit``) and ``pushHookEvent``.
``tests/e2e/test_client_frames.py`` records Chromium's frames for the same
actions and checks the shapes agree.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Any

from bs4 import Tag

from tether import protocol
from tether.testing.dom import component_id, element_meta, form_value, phx_values
from tether.testing.page import DeadPage


def join(
    page: DeadPage, url: str, *, redirect: bool, mounts: int, flash: str | None
) -> dict[str, Any]:
    """``mounts`` counts this view's earlier joins: a rejoin after a drop sends 1 or more."""
    params: dict[str, Any] = {protocol.CSRF_PARAM: page.csrf}
    if page.tracked_static:
        params[protocol.TRACK_STATIC_PARAM] = page.tracked_static
    params[protocol.MOUNTS_PARAM] = mounts
    params[protocol.MOUNT_ATTEMPTS_PARAM] = 0  # attempts since the last join that worked
    payload: dict[str, Any] = {
        (protocol.REDIRECT if redirect else protocol.URL): url,
        protocol.PARAMS: params,
        protocol.SESSION: page.session,
        protocol.STATIC_TOKEN: page.static or None,
    }
    if flash is not None:
        payload[protocol.FLASH] = flash
    payload[protocol.STICKY] = False
    return payload


def child_join(page: DeadPage, *, mounts: int, sticky: bool) -> dict[str, Any]:
    """A child view's join (``{% live_render %}``): no URL; the page's ``page.session``
    and ``page.static`` are the child container's."""
    payload = join(page, "", redirect=False, mounts=mounts, flash=None)
    del payload[protocol.URL]
    payload[protocol.STICKY] = sticky
    return payload


def _targeted(payload: dict[str, Any], cid: int | None) -> dict[str, Any]:
    """``pushWithReply`` drops a ``cid`` that is not a number."""
    if cid is not None:
        payload[protocol.CID] = cid
    return payload


def element_event(
    kind: str, tag: Tag, name: str, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A click, key, blur or focus: the element's ``extractMeta`` is the value."""
    payload = {
        protocol.EVENT_TYPE: kind,
        protocol.EVENT_NAME: name,
        protocol.VALUE: element_meta(tag, extra),
    }
    return _targeted(payload, component_id(tag))


def form_change(
    form: Tag, name: str, typed: Mapping[str, Any], target: str | None, used: Container[str]
) -> dict[str, Any]:
    """``phx-change``: ``_target`` names the input that changed, as a string."""
    payload = {
        protocol.EVENT_TYPE: protocol.TYPE_FORM,
        protocol.EVENT_NAME: name,
        protocol.VALUE: form_value(form, typed, used),
        protocol.META: {protocol.TARGET: target or protocol.TARGET_UNKNOWN, **phx_values(form)},
        protocol.UPLOADS: {},
    }
    return _targeted(payload, component_id(form))


def form_submit(form: Tag, name: str, typed: Mapping[str, Any] | None) -> dict[str, Any]:
    """``phx-submit``: every field counts as touched, and there is no ``_target``."""
    payload = {
        protocol.EVENT_TYPE: protocol.TYPE_FORM,
        protocol.EVENT_NAME: name,
        protocol.VALUE: form_value(form, typed, None),
        protocol.META: phx_values(form),
    }
    return _targeted(payload, component_id(form))


def hook(name: str, value: Any) -> dict[str, Any]:
    """A hook's ``pushEvent`` outside a component: the value goes as it is."""
    return {
        protocol.EVENT_TYPE: protocol.TYPE_HOOK,
        protocol.EVENT_NAME: name,
        protocol.VALUE: value,
    }
