"""Live validation with tether.validation, on the demo's team page (a ModelForm
and an inline formset): errors only where the user typed, rows added live,
saved together, and a bound formset frozen and thawed mid-edit."""

from __future__ import annotations

from typing import Any

from teams.models import Member, Team
from tether.live.registry import registry
from tether.live.session import SessionState
from tether.testing import LiveClient

FORM = "#team-form"


def _errors(view: Any) -> dict[str, str]:
    return {str(e["id"]).removeprefix("error-"): e.get_text() for e in view.soup().select(".error")}


async def _new_team(client: LiveClient) -> Any:
    view = await client.live("/teams/new/")
    assert view.has_element("#member-0") and not view.has_element("#member-1")
    return view


async def test_typing_one_field_shows_only_its_errors_and_submit_shows_them_all(
    live_client: LiveClient,
) -> None:
    view = await _new_team(live_client)
    await view.change(FORM, {"team-name": "Al"})
    assert _errors(view) == {"team-name": "Ensure this value has at least 3 characters (it has 2)."}
    await view.change(FORM, {"team-name": "Alpha"})
    assert _errors(view) == {}
    await view.submit(FORM)
    assert _errors(view) == {
        "team-contact": "This field is required.",
        "members-0-name": "This field is required.",
        "members-0-email": "This field is required.",
    }
    assert await Team.objects.acount() == 0


async def test_an_untouched_member_row_stays_quiet_while_a_touched_field_complains(
    live_client: LiveClient,
) -> None:
    view = await _new_team(live_client)
    await view.change(FORM, {"members-0-email": "not-an-email"})
    assert _errors(view) == {"members-0-email": "Enter a valid email address."}


async def test_add_a_member_keeps_the_draft_and_the_new_row_starts_quiet(
    live_client: LiveClient,
) -> None:
    view = await _new_team(live_client)
    await view.change(FORM, {"team-name": "Alpha", "members-0-name": "Ada"})
    await view.change(FORM, {"members-add": "1"}, target="members-add")
    assert view.has_element("#member-1")
    assert view.element("#id_team-name")["value"] == "Alpha"
    assert view.element("#id_members-0-name")["value"] == "Ada"
    assert view.element("#id_members-TOTAL_FORMS")["value"] == "2"
    assert _errors(view) == {}
    await view.change(FORM, {"members-1-email": "bob@"})
    assert _errors(view) == {"members-1-email": "Enter a valid email address."}


async def test_a_valid_team_and_its_members_are_saved_together(live_client: LiveClient) -> None:
    view = await _new_team(live_client)
    await view.change(FORM, {"members-add": "1"}, target="members-add")
    await view.submit(
        FORM,
        {
            "team-name": "Alpha",
            "team-contact": "team@example.com",
            "members-0-name": "Ada",
            "members-0-email": "ada@example.com",
            "members-1-name": "Bob",
            "members-1-email": "bob@example.com",
        },
    )
    team = await Team.objects.aget(name="Alpha")
    names = [m.name async for m in Member.objects.filter(team=team)]
    assert names == ["Ada", "Bob"]
    # Post/redirect/get, live: a fresh page, with the flash and the new team listed.
    assert view.redirected_to == "/teams/new/"
    view = await view.follow_redirect()
    assert view.text("#saved") == "Team “Alpha” created."
    assert view.text("#teams li") == "Alpha: Ada, Bob"
    assert view.element("#id_team-name").get("value") is None
    assert not view.has_element("#member-1") and _errors(view) == {}


async def test_a_bound_formset_mid_edit_thaws_with_its_rows_values_and_touched_errors(
    live_client: LiveClient,
) -> None:
    view = await _new_team(live_client)
    await view.change(FORM, {"team-name": "Al"})
    await view.change(FORM, {"members-add": "1"}, target="members-add")
    await view.change(FORM, {"members-1-email": "bob@"})
    before = _errors(view)
    assert set(before) == {"team-name", "members-1-email"}

    await view.reconnect()  # the socket drops: the view is frozen, then thawed on rejoin
    assert view.has_element("#member-1")
    assert view.element("#id_members-1-email")["value"] == "bob@"
    assert _errors(view) == before

    # Idle freezing drops the view from memory; the next event thaws it.
    assert await registry.freeze_idle(0.0) >= 1
    session = next(s for sock in registry.sockets if (s := sock.sessions.get(view.topic)))
    assert session.state is SessionState.FROZEN
    del session
    await view.change(FORM, {"members-1-email": "bob@example.com"})
    assert _errors(view) == {"team-name": before["team-name"]}
    assert view.element("#id_team-name")["value"] == "Al"


async def test_a_thawed_team_form_still_checks_the_database_for_a_taken_name(
    live_client: LiveClient,
) -> None:
    # A thawed form validates during the render; on the event loop the ORM is
    # refused, and the render retried in a thread used to show no error at all.
    await Team.objects.acreate(name="Alpha", contact="alpha@example.com")
    view = await _new_team(live_client)
    await view.change(FORM, {"team-name": "Alpha"})
    assert _errors(view) == {"team-name": "Team with this Name already exists."}
    await view.reconnect()
    assert _errors(view) == {"team-name": "Team with this Name already exists."}
