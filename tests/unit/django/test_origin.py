"""The Origin check of the WebSocket upgrade, by Django's CSRF origin rule.

Regression for the review finding "the Origin check accepts any scheme and
port for a host in ALLOWED_HOSTS": the origin must be the upgrade's own
``scheme://host[:port]`` (the Host passing ALLOWED_HOSTS), or a trusted origin.
"""

from __future__ import annotations

from typing import Any

import pytest

from tether.django.auth import origin_allowed


def upgrade(origin: str | None, host: str = "testserver:8000", **extra: Any) -> dict[str, Any]:
    headers = [(b"host", host.encode("latin-1"))]
    if origin is not None:
        headers.append((b"origin", origin.encode("latin-1")))
    for name, value in extra.pop("headers", {}).items():
        headers.append((name.encode("latin-1"), value.encode("latin-1")))
    return {
        "type": "websocket",
        "scheme": extra.pop("scheme", "ws"),
        "path": "/live/websocket",
        "headers": headers,
        "server": ("127.0.0.1", 8000),
        **extra,
    }


@pytest.fixture
def site(settings: Any) -> Any:
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver", ".sub.test"]
    settings.CSRF_TRUSTED_ORIGINS = []
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.USE_X_FORWARDED_HOST = False
    return settings


def test_origin_of_the_page_itself_is_allowed(site: Any) -> None:
    assert origin_allowed(upgrade("http://testserver:8000"))


def test_origin_of_another_host_is_refused(site: Any) -> None:
    assert not origin_allowed(upgrade("http://evil:8000"))


@pytest.mark.parametrize("origin", ["http://testserver:9999", "http://testserver"])
def test_origin_check_refuses_another_port_of_an_allowed_host(site: Any, origin: str) -> None:
    assert not origin_allowed(upgrade(origin))


def test_origin_check_refuses_another_scheme_of_an_allowed_host(site: Any) -> None:
    assert not origin_allowed(upgrade("https://testserver:8000"))
    assert not origin_allowed(upgrade("http://testserver:8000", scheme="wss"))


def test_origin_check_follows_the_socket_scheme(site: Any) -> None:
    assert origin_allowed(upgrade("https://testserver", host="testserver", scheme="wss"))
    assert origin_allowed(upgrade("http://testserver", host="testserver"))


@pytest.mark.parametrize("origin", ["chrome-extension://testserver:8000", "null", ""])
def test_origin_check_refuses_origins_that_are_not_the_site(site: Any, origin: str) -> None:
    assert not origin_allowed(upgrade(origin))


def test_origin_check_refuses_an_upgrade_whose_host_is_not_allowed(site: Any) -> None:
    # The origin equals the Host, but the Host fails ALLOWED_HOSTS, as over HTTP.
    assert not origin_allowed(upgrade("http://evil.test", host="evil.test"))


def test_origin_check_allows_a_subdomain_host_listed_in_allowed_hosts(site: Any) -> None:
    assert origin_allowed(upgrade("https://a.sub.test", host="a.sub.test", scheme="wss"))


def test_origin_check_honours_secure_proxy_ssl_header(site: Any) -> None:
    site.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = {"x-forwarded-proto": "https"}
    assert origin_allowed(upgrade("https://testserver", host="testserver", headers=proxied))
    assert not origin_allowed(upgrade("http://testserver", host="testserver", headers=proxied))
    plain = {"x-forwarded-proto": "http"}
    assert origin_allowed(upgrade("http://testserver", host="testserver", headers=plain))


def test_origin_check_ignores_forwarded_proto_without_the_setting(site: Any) -> None:
    proxied = {"x-forwarded-proto": "https"}
    assert not origin_allowed(upgrade("https://testserver", host="testserver", headers=proxied))


def test_origin_check_uses_x_forwarded_host_only_when_django_would(site: Any) -> None:
    forwarded = {"x-forwarded-host": "a.sub.test"}
    assert not origin_allowed(upgrade("http://a.sub.test", host="internal:8000", headers=forwarded))
    site.USE_X_FORWARDED_HOST = True
    assert origin_allowed(upgrade("http://a.sub.test", host="internal:8000", headers=forwarded))


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://partner.example", True),
        ("http://partner.example", False),  # scheme must match
        ("https://partner.example:8443", False),  # so must the port
        ("https://app.example.com", True),
        ("https://a.b.example.com", True),
        ("https://example.com", True),  # as Django's CSRF middleware
        ("http://app.example.com", False),
        ("https://app.example.com:8443", False),
        ("https://evilexample.com", False),
        ("https://example.com.evil.test", False),
    ],
)
def test_origin_against_trusted_origins_with_wildcards(
    site: Any, origin: str, allowed: bool
) -> None:
    site.CSRF_TRUSTED_ORIGINS = ["https://partner.example", "https://*.example.com"]
    assert origin_allowed(upgrade(origin)) is allowed


def test_trusted_origin_is_allowed_whatever_the_host(site: Any) -> None:
    # As over HTTP: a trusted origin needs no matching Host (a proxy may rewrite it).
    site.CSRF_TRUSTED_ORIGINS = ["https://partner.example"]
    assert origin_allowed(upgrade("https://partner.example", host="evil.test"))


def test_missing_origin_is_a_non_browser_client_and_allowed(site: Any) -> None:
    # No browser omits Origin on an upgrade; the CSRF token still guards the join.
    assert origin_allowed(upgrade(None, host="evil.test"))


def test_debug_localhost_convenience_matches_django(settings: Any) -> None:
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = []
    settings.CSRF_TRUSTED_ORIGINS = []
    assert origin_allowed(upgrade("http://localhost:8000", host="localhost:8000"))
    assert origin_allowed(upgrade("http://127.0.0.1:8000", host="127.0.0.1:8000"))
    # Django's DEBUG hosts say nothing about another port or host.
    assert not origin_allowed(upgrade("http://localhost:9000", host="localhost:8000"))
    assert not origin_allowed(upgrade("http://evil.test", host="evil.test"))
