"""Live components through tether.testing: state, targeting, lifecycle, batching, freezing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.integration.component_views import Counter, Row

from tether.testing import LiveClient


def cid_of(view: Any, selector: str) -> int:
    return int(view.element(selector)["data-phx-component"])


async def test_two_instances_keep_separate_state(live_client: LiveClient) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#counter-a .inc")
    await view.click("#counter-a .inc")
    await view.click("#counter-b .inc")
    assert view.text("#counter-a .count") == "2"
    assert view.text("#counter-b .count") == "1"


async def test_a_targeted_click_sends_only_that_components_changed_slot(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#counter-b .inc")
    frame = json.loads(view.last_frame)
    cid = cid_of(view, "#counter-b")
    # Slot 0 is the id in the element's id attribute; slot 1 the count.
    assert frame[4]["response"] == {"diff": {"c": {str(cid): {"1": "1"}}}}


async def test_the_dead_render_shows_components_marked_with_their_cid(
    live_client: LiveClient,
) -> None:
    response = await live_client.http.get("/components/page/")
    assert '<div data-phx-component="1" id="counter-a" class="counter">' in response.text
    assert '<li data-phx-component="5" id="row-2">row 2</li>' in response.text


async def test_components_of_one_template_share_statics_in_the_join(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/components/page/")
    join = view.updates[0].diff
    components = join["c"]
    a, b = cid_of(view, "#counter-a"), cid_of(view, "#counter-b")
    assert isinstance(components[str(a)]["s"], list)
    assert components[str(a)]["r"] == 1
    # The second counter names the first for its statics and sends only what differs.
    assert components[str(b)]["s"] == a
    assert components[str(b)]["0"] == "b"
    assert "1" not in components[str(b)]  # its count is the same as a's: merged from a


async def test_a_new_component_reuses_statics_the_client_holds(live_client: LiveClient) -> None:
    view = await live_client.live("/components/page/")
    a = cid_of(view, "#counter-a")
    await view.click("#count")  # nothing about components
    await view.push("click", "add", {"id": "c"})
    frame = json.loads(view.last_frame)[4]["response"]["diff"]
    (entry,) = frame["c"].values()
    assert entry["s"] == -a
    assert view.text("#counter-c .count") == "0"


async def test_update_many_runs_once_for_every_row_of_a_render(live_client: LiveClient) -> None:
    Row.batches.clear()
    view = await live_client.live("/components/page/")
    assert Row.batches == [3, 3]  # the dead render, then the connected mount: one call each
    await view.click("#more")
    # The three rows already there render with unchanged arguments: only the new two update.
    assert Row.batches == [3, 3, 2]
    assert view.text("#row-4") == "row 4"


async def test_a_removed_component_is_destroyed_and_comes_back_fresh(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#count")
    assert view.text("#alive") == "5"  # two counters, three rows
    await view.click("#counter-a .inc")
    old = cid_of(view, "#counter-a")
    await view.push("click", "remove", {"id": "a"})  # the client then runs the handshake
    assert not view.has_element("#counter-a")
    assert old not in view.tree.components
    await view.click("#count")
    assert view.text("#alive") == "4"
    await view.push("click", "add", {"id": "a"})
    assert view.text("#counter-a .count") == "0"
    assert cid_of(view, "#counter-a") != old


async def test_a_component_readded_before_destruction_is_kept(live_client: LiveClient) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#counter-a .inc")
    cid = cid_of(view, "#counter-a")
    reply = await view._request("cids_will_destroy", {"cids": [cid]})
    assert reply["status"] == "ok"
    # Rendered again before the client confirms: not destroyed.
    await view.push("click", "remove", {"id": "zzz"})
    await view.push("click", "more_rows", {})
    destroyed = await view._request("cids_destroyed", {"cids": [cid]})
    assert destroyed["response"] == {"cids": [cid]}  # still marked: nothing re-placed it


async def test_nested_components_mount_and_target_their_own_events(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#nested")
    await view.click("#nest-outer .toggle")
    assert view.text("#counter-deep .count") == "0"
    await view.click("#counter-deep .inc")
    assert view.text("#counter-deep .count") == "1"
    await view.click("#nest-outer .toggle")
    assert not view.has_element("#counter-deep")


async def test_send_parent_reaches_handle_info(live_client: LiveClient) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#counter-b .inc")
    await view.click("#counter-b .tell")
    await view.wait_for_element("#told", "b=1")


async def test_send_update_from_the_view_and_from_a_test(live_client: LiveClient) -> None:
    view = await live_client.live("/components/page/")
    await view.push("click", "bump", {"id": "a"})
    await view.wait_for_element("#counter-a .count", "100")
    view.send_update(Counter, "b", count=7)
    await view.wait_for_element("#counter-b .count", "7")
    assert view.text("#counter-a .count") == "100"


async def test_assign_async_in_a_component(live_client: LiveClient) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#loader-on")
    await view.wait_for_element("#loader", "loaded!")


async def test_a_duplicate_id_is_a_clear_error(
    live_client: LiveClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = await live_client.http.get("/components/duplicate/")
    assert response.status_code == 500
    assert "two Counter components with id 'x' on one page" in caplog.text


async def test_components_resume_after_a_reconnect(live_client: LiveClient) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#counter-b .inc")
    await view.click("#counter-b .inc")
    await view.click("#nested")
    await view.click("#nest-outer .toggle")
    await view.click("#counter-deep .inc")
    await view.reconnect()
    assert view.text("#counter-b .count") == "2"
    assert view.text("#counter-deep .count") == "1"
    await view.click("#counter-b .inc")
    assert view.text("#counter-b .count") == "3"


async def test_an_event_for_a_gone_component_is_ignored(live_client: LiveClient) -> None:
    view = await live_client.live("/components/page/")
    response = await view.push("click", "inc", {}, cid=999)
    assert response == {}


async def test_a_css_selector_target_routes_to_the_component_it_selects(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#via-selector")  # outside every component, aimed into counter a
    assert view.text("#counter-a .count") == "1"
    assert view.text("#counter-b .count") == "0"


async def test_reviving_a_component_keeps_the_components_inside_it(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/components/page/")
    await view.click("#nested")
    await view.click("#nest-outer .toggle")
    await view.click("#counter-deep .inc")
    outer, inner = cid_of(view, "#nest-outer"), cid_of(view, "#counter-deep")
    # The client removed both, and told the server it will destroy them...
    await view._request("event", {"type": "click", "event": "hide_nested", "value": {}})
    await view._request("cids_will_destroy", {"cids": [outer, inner]})
    # ...but the outer one comes back first. Nothing renders the inner one again.
    await view._request("event", {"type": "click", "event": "show_nested", "value": {}})
    destroyed = await view._request("cids_destroyed", {"cids": [outer, inner]})
    assert destroyed["response"] == {"cids": []}
    await view.click("#counter-deep .inc")
    assert view.text("#counter-deep .count") == "2"


async def test_the_demo_card_validates_in_its_own_form_and_the_board_saves_it(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/components/cards/")
    await view.click("#card-1 .edit")
    await view.change("#card-1 form", {"title": ""})
    assert view.text("#card-1 .error") == "A card needs a title."
    assert not view.has_element("#card-2 form")
    await view.submit("#card-1 form", {"title": "Buy oat milk", "body": "Two litres."})
    await view.wait_for_element("#card-1 .title", "Buy oat milk")
    await view.click("#card-2 .like")
    assert (view.text("#card-2 .likes"), view.text("#card-1 .likes")) == ("1", "0")


async def test_the_demo_contacts_load_every_row_in_one_batch(live_client: LiveClient) -> None:
    from pages.components import ContactRow

    ContactRow.batches.clear()
    view = await live_client.live("/components/contacts/")
    assert ContactRow.batches == [3, 3]  # the dead render and the join: one call each
    assert view.text("#contact-1 .email") == "ada@engine.org (non-profit)"
    await view.click("#contact-3 .edit")
    await view.submit("#contact-3 form", {"email": "alan@turing.org"})
    await view.wait_for_element("#contact-3 .email", "alan@turing.org (non-profit)")
    assert ContactRow.batches[-1] == 1  # only the saved row was given new arguments


async def test_component_templates_see_the_context_processors_values(
    live_client: LiveClient,
) -> None:
    view = await live_client.live("/components/page/")  # its own template never reads user
    assert view.text("#counter-a .anonymous") == "True"


async def test_a_page_without_components_keeps_only_what_its_template_reads(
    live_client: LiveClient,
) -> None:
    from tether.live.registry import registry

    view = await live_client.live("/counter/")
    (session,) = [s.sessions[view.topic] for s in registry.sockets if view.topic in s.sessions]
    assert "perms" not in session.renderer.extra
    assert "messages" not in session.renderer.extra
