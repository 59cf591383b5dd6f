"""What a handler receives: a client event's payload, decoded as Phoenix does.

A form event's ``value`` is the URL-encoded form; its ``meta`` carries
``_target`` (the name of the input that changed, a string in the 1.x client)
and the form's ``phx-value-*``. Phoenix merges ``meta`` into the params, so
``params["_target"]`` names the changed input; here the params are a Django
``QueryDict``, as a view of a POSTed form would see them. Decoding refuses
what Django would refuse over HTTP (too many fields) with an ``EventError``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict

from tether import protocol
from tether.errors import EventError


def event_params(kind: object, value: object, meta: object) -> Any:
    """The handler's argument for an ``event`` payload of type ``kind``."""
    if meta is not None and not isinstance(meta, dict):
        raise EventError("malformed event payload: meta must be an object")
    if kind == protocol.TYPE_FORM:
        return form_params(value, meta or {})
    return {} if value is None else value


def form_params(value: object, meta: dict[str, Any]) -> QueryDict:
    try:
        params = QueryDict(value if isinstance(value, str) else "", mutable=True)
    except TooManyFieldsSent as exc:
        raise EventError(f"form refused: {exc}") from None
    for key, item in meta.items():
        if isinstance(item, list):
            params.setlist(str(key), [str(part) for part in item])
        elif item is not None:
            params.setlist(str(key), [str(item)])
    return params
