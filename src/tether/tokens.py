"""Signed tokens carried by the page: the session and static tokens of a live
container, and the flash handed over on redirects.

Everything is signed with Django's signing (``SECRET_KEY``), bound to the view
and the container id, and carries its own age so it can expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from tether.errors import InvalidToken

SESSION_SALT = "tether.session"
STATIC_SALT = "tether.static"
FLASH_SALT = "tether.flash"
BROWSER_SALT = "tether.browser"
UPLOAD_SALT = "tether.upload"
CHILD_SALT = "tether.child"


@dataclass(frozen=True, slots=True)
class SessionToken:
    view: str  # dotted path of the LiveView class
    element_id: str
    user_id: str | None  # the user the page was rendered for, as a string
    # A keyed digest of the browser's CSRF secret: the page's tokens work only in
    # the browser they were rendered for, even for an anonymous user.
    browser: str = ""
    # The live session (``tether.live_session``) the page was rendered in, if any:
    # live navigation is admitted only into a URL of the same one.
    live_session: str | None = None


def browser_key(csrf_secret: str) -> str:
    """The digest a session token carries of one browser's CSRF secret."""
    return salted_hmac(BROWSER_SALT, csrf_secret, algorithm="sha256").hexdigest()[:32]


def same_browser(browser: str, csrf_secret: str | None) -> bool:
    """Was a token whose ``browser`` is this signed for the browser with this CSRF secret?"""
    return csrf_secret is not None and constant_time_compare(browser, browser_key(csrf_secret))


def sign_session(token: SessionToken) -> str:
    fields = [token.view, token.element_id, token.user_id, token.browser]
    if token.live_session is not None:
        fields.append(token.live_session)
    return signing.dumps(fields, salt=SESSION_SALT)


def sign_static(element_id: str, data: dict[str, Any] | None = None) -> str:
    return signing.dumps([element_id, data or {}], salt=STATIC_SALT)


def verify_session(value: object, *, element_id: str, max_age: float) -> SessionToken:
    data = _load(value, SESSION_SALT, max_age)
    # Four fields for a page outside any live session, five with its name.
    if not (isinstance(data, list) and len(data) in (4, 5)):
        raise InvalidToken("malformed session token")
    view, bound_id, user_id, browser, *rest = data
    if bound_id != element_id:
        raise InvalidToken("session token belongs to another element")
    live_session = rest[0] if rest and isinstance(rest[0], str) else None
    return SessionToken(
        view=view,
        element_id=bound_id,
        user_id=user_id,
        browser=browser,
        live_session=live_session,
    )


def verify_static(value: object, *, element_id: str, max_age: float) -> dict[str, Any]:
    if value is None:
        return {}
    data = _load(value, STATIC_SALT, max_age)
    if not (isinstance(data, list) and len(data) == 2 and data[0] == element_id):
        raise InvalidToken("static token belongs to another element")
    return dict(data[1])


@dataclass(frozen=True, slots=True)
class ChildToken:
    """The session token of a child view's container (``{% live_render %}``).

    A child's join carries no URL: everything it is admitted on is here."""

    view: str  # dotted path of the child's LiveView class
    element_id: str  # the container's id, as given to the tag
    parent_id: str  # the parent's container id ("" for none)
    key: str  # unique per page: where the child's state is frozen
    user_id: str | None
    browser: str
    url: str  # the page the child was rendered on (its request's URL)
    session: dict[str, Any]  # handed to the child's mount as keyword arguments
    sticky: bool = False


def sign_child(token: ChildToken) -> str:
    return signing.dumps(
        [
            token.view,
            token.element_id,
            token.parent_id,
            token.key,
            token.user_id,
            token.browser,
            token.url,
            token.session,
            token.sticky,
        ],
        salt=CHILD_SALT,
    )


def verify_child(value: object, *, element_id: str, max_age: float) -> ChildToken:
    data = _load(value, CHILD_SALT, max_age)
    if not (isinstance(data, list) and len(data) == 9 and isinstance(data[7], dict)):
        raise InvalidToken("malformed child token")
    token = ChildToken(*data)
    if token.element_id != element_id:
        raise InvalidToken("child token belongs to another element")
    return token


@dataclass(frozen=True, slots=True)
class UploadToken:
    """What the preflight hands the client for one entry: where its chunks go."""

    socket: str  # the connection's random id: a token works on no other socket
    element_id: str  # the view the entry belongs to
    config_ref: str
    entry_ref: str


def sign_upload(token: UploadToken) -> str:
    return signing.dumps(
        [token.socket, token.element_id, token.config_ref, token.entry_ref], salt=UPLOAD_SALT
    )


def verify_upload(value: object, *, socket: str, entry_ref: str, max_age: float) -> UploadToken:
    """The token of an upload channel join on ``lvu:<entry_ref>`` of connection ``socket``."""
    data = _load(value, UPLOAD_SALT, max_age)
    if not (isinstance(data, list) and len(data) == 4 and all(isinstance(d, str) for d in data)):
        raise InvalidToken("malformed upload token")
    token = UploadToken(*data)
    if not constant_time_compare(token.socket, socket):
        raise InvalidToken("upload token belongs to another connection")
    if token.entry_ref != entry_ref:
        raise InvalidToken("upload token belongs to another entry")
    return token


def sign_flash(flash: dict[str, str]) -> str:
    return signing.dumps(flash, salt=FLASH_SALT)


def verify_flash(value: object) -> dict[str, str]:
    """Flash handed over a redirect; anything invalid is simply no flash."""
    if not isinstance(value, str) or not value:
        return {}
    try:
        data = signing.loads(value, salt=FLASH_SALT, max_age=60)
    except signing.BadSignature:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _load(value: object, salt: str, max_age: float) -> Any:
    if not isinstance(value, str):
        raise InvalidToken("missing token")
    try:
        return signing.loads(value, salt=salt, max_age=int(max_age))
    except signing.SignatureExpired:
        raise InvalidToken("token expired") from None
    except signing.BadSignature:
        raise InvalidToken("bad signature") from None


def view_path(cls: type) -> str:
    """The dotted path a token names a view by."""
    return f"{cls.__module__}.{cls.__qualname__}"
