"""Malformed payloads get an error reply and the view lives on (review finding 9)."""

from __future__ import annotations

import pytest

from tether.testing import LiveClient, LiveTestError


@pytest.mark.parametrize("meta", ["_target", ["name"]])
async def test_a_malformed_meta_is_refused_and_the_view_keeps_working(
    live_client: LiveClient, meta: object
) -> None:
    view = await live_client.live("/echo/")
    with pytest.raises(LiveTestError, match="meta must be an object"):
        await view.push("form", "save", "text=hi", meta=meta)
    await view.push("click", "sync_add", {"n": "2"})
    assert view.text("#total") == "2"


async def test_a_form_with_too_many_fields_is_refused_as_django_refuses_it(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/echo/")
    body = "&".join(f"f{n}=x" for n in range(1001))
    with pytest.raises(LiveTestError, match="form refused"):
        await view.push("form", "save", body, meta={})
    await view.push("click", "sync_add", {"n": "3"})
    assert view.text("#total") == "3"


async def test_a_live_patch_url_with_too_many_fields_is_refused(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    query = "&".join(f"f{n}=x" for n in range(1001))
    with pytest.raises(LiveTestError, match="refus"):  # too long or too many fields
        await view.patch(f"/toolbox/?{query}")
    await view.push("click", "rename", {"title": "alive"})
    assert view.title == "alive"
