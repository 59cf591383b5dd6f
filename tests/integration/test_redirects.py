"""Navigation URLs follow Django's redirect rule (review finding 4)."""

from __future__ import annotations

import pytest

from tether.errors import UnsafeRedirect
from tether.testing import LiveClient, LiveTestError


@pytest.mark.parametrize(
    "to", ["javascript:alert(document.cookie)", "https://evil.example/phish", "//evil.example/"]
)
async def test_redirect_to_javascript_or_another_host_is_refused_and_the_view_lives_on(
    live_client: LiveClient, to: str
) -> None:
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError, match="refusing to send the browser"):
        await view.push("click", "away", {"to": to})
    assert view.redirected_to is None
    await view.push("click", "rename", {"title": "Still here"})
    assert view.title == "Still here"


async def test_an_external_redirect_is_allowed_only_when_asked_for(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/toolbox/")
    await view.push("click", "away", {"to": "https://docs.example/", "external": "yes"})
    assert view.redirected_to == "https://docs.example/"


async def test_even_an_external_redirect_never_takes_a_javascript_url(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError, match="refusing"):
        await view.push("click", "away", {"to": "javascript:alert(1)", "external": "yes"})


async def test_a_live_patch_to_another_host_is_refused(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError, match="refusing"):
        await view.patch("https://evil.example/toolbox/?tab=x")
    await view.patch("/toolbox/?tab=ok")
    assert view.url.endswith("/toolbox/?tab=ok")


def test_checked_url_follows_djangos_rule() -> None:
    from tether.effects import checked_url

    assert checked_url("/a/?b=1", None) == "/a/?b=1"
    with pytest.raises(UnsafeRedirect):
        checked_url("data:text/html,hi", None, external=True)
