"""``LiveView.connect_params``: what the page's client sent with the join."""

from __future__ import annotations

from tether.testing import LiveClient


async def test_a_view_reads_the_params_the_client_sent_with_the_join() -> None:
    async with LiveClient(connect_params={"timezone": "Asia/Tokyo"}) as client:
        view = await client.live("/connect-params/")
        assert view.text("#last") == "Asia/Tokyo"
        names = view.text("#total").split(",")
        assert "timezone" in names and "_mounts" in names  # the client's own go too
        assert "_csrf_token" not in names, "the CSRF token did its work at the join"


async def test_connect_params_are_none_in_the_dead_render() -> None:
    async with LiveClient(connect_params={"timezone": "Asia/Tokyo"}) as client:
        page = await client.get("/connect-params/")
        assert '<p id="total">dead render</p>' in page.text
        assert '<p id="last"></p>' in page.text


async def test_the_demo_clock_shows_the_browsers_time_zone() -> None:
    async with LiveClient(connect_params={"timezone": "America/Lima"}) as client:
        view = await client.live("/clock/")
        assert view.text("#your-zone") == "America/Lima"
    async with LiveClient() as client:  # a client that sends none: no line at all
        view = await client.live("/clock/")
        assert "time zone" not in view.html()
