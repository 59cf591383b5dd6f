"""Live navigation never admits what an HTTP GET of the URL would refuse (finding 1)."""

from __future__ import annotations

from typing import Any

from tether.testing import LiveClient

BASE = "http://testserver"


async def test_navigating_into_a_login_required_url_falls_back_to_a_page_load(
    live_client: LiveClient,
) -> None:
    # An anonymous user with a public page's tokens asked to join /secret/ over
    # the socket; login_required wraps the view, so the socket must not render it.
    view = await live_client.live("/counter/")
    await view.join(f"{BASE}/secret/", redirect=True)
    assert view.redirected_to == f"{BASE}/secret/"
    assert "secret" not in view.html()
    response = await live_client.get("/secret/", follow=0)
    assert response.status_code == 302  # what the page load then meets: the login


async def test_navigating_into_a_bare_live_url_is_admitted(live_client: LiveClient) -> None:
    view = await live_client.live("/counter/")
    await view.join(f"{BASE}/unguarded/", redirect=True)
    assert view.redirected_to is None
    assert view.text("#last") == "secret"


async def test_login_required_middleware_is_followed_on_navigation(
    live_client: LiveClient, settings: Any
) -> None:
    view = await live_client.live("/counter/")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    await view.join(f"{BASE}/unguarded/", redirect=True)
    assert view.redirected_to == f"{BASE}/unguarded/"


async def test_unknown_middleware_makes_navigation_a_page_load_unless_trusted(
    live_client: LiveClient, settings: Any
) -> None:
    view = await live_client.live("/counter/")
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tenants.middleware.TenantWall"]
    await view.join(f"{BASE}/unguarded/", redirect=True)
    assert view.redirected_to == f"{BASE}/unguarded/"
    settings.TETHER = {"TRUSTED_MIDDLEWARE": ["tenants.middleware.TenantWall"]}
    other = await live_client.live("/counter/")
    await other.join(f"{BASE}/unguarded/", redirect=True)
    assert other.redirected_to is None
