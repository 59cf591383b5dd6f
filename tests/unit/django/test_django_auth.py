from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.middleware.csrf import (
    CSRF_SESSION_KEY,
    _get_new_csrf_string,
    _mask_cipher_secret,
    _unmask_cipher_token,
    get_token,
)

from tether.django.auth import build_request, csrf_token_valid, load_session_and_user


def scope(*headers: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "type": "websocket",
        "path": "/live/websocket",
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        **extra,
    }


@pytest.fixture
def hosts(settings) -> Any:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["app.test", ".sub.test"]
    settings.CSRF_TRUSTED_ORIGINS = []
    return settings


def test_build_request() -> None:
    request = build_request(
        scope(
            ("host", "app.test"),
            ("user-agent", "pytest"),
            ("cookie", "sessionid=abc; csrftoken=xyz"),
            ("connection", "Upgrade"),
            ("upgrade", "websocket"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("sec-websocket-version", "13"),
            ("accept-encoding", "gzip"),
            client=("10.0.0.1", 5555),
            server=("app.test", 443),
        ),
        "https://app.test/items/?page=2&tag=a&tag=b",
    )
    assert request.method == "GET"
    assert request.path == request.path_info == "/items/"
    assert request.GET.get("page") == "2"
    assert request.GET.getlist("tag") == ["a", "b"]
    assert request.COOKIES == {"sessionid": "abc", "csrftoken": "xyz"}
    meta = request.META
    assert meta["HTTP_HOST"] == "app.test"
    assert meta["HTTP_USER_AGENT"] == "pytest"
    assert meta["REMOTE_ADDR"] == "10.0.0.1"
    assert meta["QUERY_STRING"] == "page=2&tag=a&tag=b"
    assert meta["PATH_INFO"] == "/items/"
    assert "HTTP_COOKIE" not in meta
    for name in ("CONNECTION", "UPGRADE", "SEC_WEBSOCKET_KEY", "SEC_WEBSOCKET_VERSION"):
        assert "HTTP_" + name not in meta
    assert not request.POST
    assert not request.FILES


def test_build_request_keeps_the_https_scheme(hosts: Any) -> None:
    request = build_request(scope(("host", "app.test")), "https://app.test/items/")
    assert request.scheme == "https"
    assert request.is_secure()
    assert request.build_absolute_uri() == "https://app.test/items/"


def test_build_request_without_url_uses_the_scope_path() -> None:
    request = build_request(scope())
    assert request.path == "/live/websocket"
    assert request.COOKIES == {}
    assert not request.GET
    assert not request.is_secure()


def test_pages_without_a_query_share_one_empty_get_that_no_view_can_change() -> None:
    first, second = build_request(scope(), "/a/"), build_request(scope(), "/b/")
    assert first.GET is second.GET  # not one per open page
    with pytest.raises(AttributeError, match="immutable"):
        first.GET["page"] = "2"
    assert not second.GET


def csrf_request(secret: str | None) -> Any:
    cookies = "" if secret is None else f"csrftoken={secret}"
    return build_request(scope(("cookie", cookies)), "/")


async def test_csrf_masked_token_matches_its_secret() -> None:
    secret = _get_new_csrf_string()
    token = _mask_cipher_secret(secret)
    assert token != secret
    assert await csrf_token_valid(csrf_request(secret), token) is True
    # A fresh mask of the same secret is valid too.
    assert await csrf_token_valid(csrf_request(secret), _mask_cipher_secret(secret)) is True


async def test_csrf_token_of_another_secret() -> None:
    token = _mask_cipher_secret(_get_new_csrf_string())
    assert await csrf_token_valid(csrf_request(_get_new_csrf_string()), token) is False


@pytest.mark.parametrize("token", [None, "", 42, "garbage", "!" * 64, "a" * 63])
async def test_csrf_garbage_tokens(token: object) -> None:
    assert await csrf_token_valid(csrf_request(_get_new_csrf_string()), token) is False


@pytest.mark.parametrize("secret", [None, "", "short", "!" * 32])
async def test_csrf_missing_or_garbage_secret(secret: str | None) -> None:
    token = _mask_cipher_secret(_get_new_csrf_string())
    assert await csrf_token_valid(csrf_request(secret), token) is False


# -- {% csrf_token %} over the socket: the browser's own secret, never a new one ------


async def test_csrf_token_tag_over_the_socket_masks_the_browsers_cookie_secret() -> None:
    secret = _get_new_csrf_string()
    request = csrf_request(secret)
    await load_session_and_user(request)
    token = get_token(request)
    assert token != secret
    assert _unmask_cipher_token(token) == secret


async def test_csrf_token_tag_over_the_socket_uses_the_session_secret(settings) -> None:
    settings.CSRF_USE_SESSIONS = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    store = SessionStore()
    secret = _get_new_csrf_string()
    store[CSRF_SESSION_KEY] = secret
    await store.asave()
    request = build_request(scope(("cookie", f"sessionid={store.session_key}")), "/")
    await load_session_and_user(request)
    assert _unmask_cipher_token(get_token(request)) == secret
    assert await csrf_token_valid(request, _mask_cipher_secret(secret)) is True


@pytest.mark.parametrize("cookie", [None, "!" * 32])
async def test_socket_never_mints_a_csrf_secret(cookie: str | None) -> None:
    request = csrf_request(cookie)
    await load_session_and_user(request)
    assert "CSRF_COOKIE" not in request.META


async def test_csrf_secret_stored_masked_by_old_django_still_matches() -> None:
    secret = _get_new_csrf_string()
    request = csrf_request(_mask_cipher_secret(secret))  # 64 characters, pre-4.0 style
    await load_session_and_user(request)
    assert _unmask_cipher_token(get_token(request)) == secret
    assert await csrf_token_valid(request, _mask_cipher_secret(secret)) is True
