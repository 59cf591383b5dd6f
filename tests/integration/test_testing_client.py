"""tether.testing itself: every interaction, every observation, and its failure messages."""

from __future__ import annotations

import json

import pytest

from tether.testing import LiveClient, LiveTestError, ViewCrashed

# -- failures say what went wrong ----------------------------------------------------------


async def test_clicking_an_element_without_a_binding_names_the_element(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError) as failure:
        await view.click("button.plain")
    assert str(failure.value) == 'element <button class="plain"> has no phx-click binding'


async def test_a_selector_matching_nothing_shows_the_page(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError, match="'#missing' matches nothing in:") as failure:
        await view.click("#missing")
    assert '<p id="tab">home</p>' in str(failure.value), "the message shows the live HTML"


async def test_a_selector_matching_several_elements_says_how_many(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError, match="'button' matches 9 elements, not one"):
        await view.click("button")
    with pytest.raises(LiveTestError, match="matches 2 elements"):
        view.text("input")


async def test_an_event_the_view_does_not_handle_is_refused_by_name(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError, match=r"event 'nope' refused: .*unknown event 'nope'"):
        await view.push("click", "nope", {})


async def test_an_unknown_event_reply_does_not_reveal_the_view_class(
    live_client: LiveClient,
) -> None:
    # Review finding 13: the reply named the view's Python class to any client.
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError) as refused:
        await view.push("click", "nope", {})
    assert "Toolbox" not in str(refused.value)


async def test_a_crashed_handler_shows_the_server_traceback(live_client: LiveClient) -> None:
    view = await live_client.live("/echo/")
    with pytest.raises(ViewCrashed) as failure:
        await view.push("click", "boom", {})
    message = str(failure.value)
    assert message.startswith("the view crashed on the server:\n")
    assert "Echo (lv:" in message
    assert "Traceback (most recent call last)" in message
    assert 'raise ZeroDivisionError("boom in a handler")' in message
    assert message.rstrip().endswith("ZeroDivisionError: boom in a handler")
    with pytest.raises(ViewCrashed) as again:
        await view.push("click", "sync_add", {"n": "1"})
    assert "ZeroDivisionError: boom in a handler" in str(again.value)


async def test_a_crash_in_handle_info_fails_the_wait_with_the_traceback(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/toolbox/")
    view.send_info("crash")
    with pytest.raises(ViewCrashed, match=r"(?s)Toolbox.*RuntimeError: handle_info gave up"):
        await view.wait_for(lambda v: False)


async def test_a_crash_report_names_the_view_that_crashed_not_an_earlier_one(
    live_client: LiveClient,
) -> None:
    first = await live_client.live("/echo/")
    with pytest.raises(ViewCrashed):
        await first.push("click", "boom", {})
    second = await live_client.live("/toolbox/")
    second.send_info("crash")
    with pytest.raises(ViewCrashed) as failure:
        await second.wait_for(lambda v: False)
    assert "ZeroDivisionError" not in str(failure.value)


async def test_waiting_for_an_element_that_never_comes_times_out_with_the_page(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError, match=r"'#never' \(text=None\) did not appear within 0\.05s"):
        await view.wait_for_element("#never", timeout=0.05)


async def test_following_a_redirect_that_did_not_happen_says_so(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    with pytest.raises(LiveTestError, match="the view did not redirect"):
        await view.follow_redirect()


async def test_a_page_that_is_not_live_says_so(live_client: LiveClient) -> None:
    with pytest.raises(LiveTestError, match="is not a live page"):
        await live_client.live("/")
    with pytest.raises(LiveTestError, match="GET /no-such-page/ answered 404"):
        await live_client.live("/no-such-page/")


# -- interactions --------------------------------------------------------------------------


async def test_click_sends_phx_values_and_changes_the_title(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    assert view.title == "Toolbox"
    await view.click("#rename")
    assert view.title == "Renamed"


async def test_keys_focus_and_blur_reach_their_handlers(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    await view.keydown("#field", "Enter")
    assert view.text("#note") == "Enter on field"
    await view.keyup("#field", "Escape")
    assert view.text("#note") == "Escape on field"
    await view.focus("#field")
    assert view.text("#note") == "focused"
    await view.blur("#field")
    assert view.text("#note") == "blurred"


async def test_change_sends_the_form_as_typed(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    await view.change("#search", {"q": "tulips"})
    assert view.text("#note") == "typed tulips"


async def test_a_hook_event_returns_the_handlers_reply(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    assert await view.hook("measure", {"width": 21}) == {"width": 42}


async def test_pushed_events_are_recorded_in_order(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    await view.click("#highlight")
    await view.click("#highlight")
    assert view.pushed_events == [("highlight", {"id": "note"})] * 2


async def test_flash_shows_on_the_page(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    assert not view.has_element("#flash")
    await view.click("#save")
    assert view.text("#flash") == "Saved."


# -- navigation ----------------------------------------------------------------------------


async def test_patch_runs_handle_params_without_remounting(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/?tab=one")
    assert view.text("#tab") == "one"
    await view.click("#highlight")
    await view.patch("/toolbox/?tab=two")
    assert view.text("#tab") == "two"
    assert view.url == "http://testserver/toolbox/?tab=two"
    assert len(view.pushed_events) == 1, "the same view lives on"


async def test_push_patch_from_the_server_updates_the_url(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    await view.click("#go-settings")
    assert view.patched_to == "/toolbox/?tab=settings"
    assert view.text("#tab") == "settings"


async def test_a_live_navigation_hands_its_flash_to_the_next_view(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/toolbox/")
    await view.click("#leave")
    assert view.redirected_to == "/toolbox/?tab=away"
    assert view.redirect_flash == {"info": "See you."}
    following = await view.follow_redirect()
    assert view.closed
    assert following.text("#tab") == "away"
    assert following.text("#flash") == "See you."


async def test_a_full_redirect_is_followed_with_a_page_load(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    await view.click("#logout")
    assert view.redirected_to == "/counter/"
    counter = await view.follow_redirect()
    assert counter.title == "Counter"
    assert counter.text("#count") == "0"


async def test_a_full_redirect_keeps_its_flash_once_connected(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    await view.click("#reload")
    assert view.redirect_flash == {"info": "Reloaded."}
    following = await view.follow_redirect()
    assert following.text("#tab") == "reloaded"
    assert following.text("#flash") == "Reloaded."


# -- messages, broadcasts and async loads --------------------------------------------------


async def test_send_info_reaches_handle_info(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    view.send_info("ping")
    await view.wait_for_element("#heard li", text="ping")
    assert [li.get_text() for li in view.soup().select("#heard li")] == ["ping"]


async def test_a_broadcast_reaches_every_subscribed_view(live_client_factory: object) -> None:
    first: LiveClient = await live_client_factory()  # type: ignore[operator]
    second: LiveClient = await live_client_factory()  # type: ignore[operator]
    views = [await first.live("/toolbox/"), await second.live("/toolbox/")]
    await first.broadcast("toolbox", "news")
    for view in views:
        await view.wait_for(lambda v: v.has_element("#heard li", text="news"))


async def test_wait_for_an_async_load(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    assert view.text("#size") == "none"
    await view.click("#load")
    assert view.text("#size") == "loading"
    await view.wait_for_element("#size", text="42")


async def test_has_element_matches_text_inside_the_element(live_client: LiveClient) -> None:
    view = await live_client.live("/toolbox/")
    assert view.has_element("button", text="Save")
    assert view.has_element("#save", text="av")
    assert not view.has_element("#save", text="Load")
    assert not view.has_element("#missing")


# -- the wire ------------------------------------------------------------------------------


async def test_last_frame_is_the_exact_text_the_server_sent(live_client: LiveClient) -> None:
    view = await live_client.live("/counter/")
    await view.click("#inc")
    ref = json.loads(view.last_frame)[1]
    assert view.last_frame == (
        f'["1","{ref}","{view.topic}","phx_reply",'
        '{"status":"ok","response":{"diff":{"0":"1"}}}]'
    )
    assert view.updates[-1].diff == {"0": "1"}


async def test_get_follows_redirects_unless_told_not_to(live_client: LiveClient) -> None:
    # docs/testing.md, "Plain HTTP": the redirect itself with follow=0, else where it ends.
    response = await live_client.get("/login-required/", follow=0)
    assert response.status_code == 302
    assert response.headers["location"].startswith("/login/")

    response = await live_client.get("/login-required/")
    assert response.status_code == 200
    assert str(response.url).startswith("http://testserver/login/")


async def test_opening_a_page_that_redirects_to_a_plain_one_names_where_it_ended(
    live_client: LiveClient,
) -> None:
    with pytest.raises(LiveTestError, match="/login/"):
        await live_client.live("/login-required/")


async def test_a_join_that_crashed_in_mount_shows_the_server_traceback(
    live_client: LiveClient,
) -> None:
    with pytest.raises(ViewCrashed, match="mount crashed") as failure:
        await live_client.live("/crashing-mount/")
    assert "KeyError: 'missing-setting-in-mount'" in str(failure.value)


async def test_a_dead_render_that_answered_500_shows_the_server_traceback(
    live_client: LiveClient,
) -> None:
    with pytest.raises(LiveTestError, match="answered 500") as failure:
        await live_client.live("/crashing-mount/?dead=1")
    assert "missing-setting-in-mount" in str(failure.value)
