"""PresenceList: one up-to-date list per topic per process, shared by every view."""

from __future__ import annotations

import pickle
import random
from typing import Any

from tether.presence import PresenceDiff
from tether.presence.listing import PresenceList, _rosters, presence_list, refresh, release
from tether.view import LiveView


class FakePresence:
    def __init__(self, listing: dict[str, list[dict[str, Any]]]) -> None:
        self.listing = listing
        self.calls = 0

    async def list(self, topic: str) -> dict[str, list[dict[str, Any]]]:
        self.calls += 1
        return self.listing


class Room(LiveView):
    pass


def _meta(ref: str) -> dict[str, str]:
    return {"phx_ref": ref}


async def test_ten_views_share_one_list_and_one_diff_is_applied_once() -> None:
    presence = FakePresence({"ada": [_meta("1")]})
    views = [Room() for _ in range(10)]
    for view in views:
        view.present = await presence_list(presence, "room:a", view)  # type: ignore[arg-type]
    assert presence.calls == 1
    diff = PresenceDiff(joins={"bob": [_meta("2")]})
    for view in views:
        await refresh(view, presence, "room:a", diff)  # type: ignore[arg-type]
    lists = {id(view.present) for view in views}
    assert len(lists) == 1
    assert views[0].present.keys() == ["ada", "bob"]
    assert len(views[0].present) == 2


async def test_two_tabs_are_one_key_and_a_leave_removes_only_its_tab() -> None:
    presence = FakePresence({"bob": [_meta("1"), _meta("2")]})
    view = Room()
    view.present = await presence_list(presence, "room:b", view)  # type: ignore[arg-type]
    assert len(view.present["bob"]) == 2
    await refresh(view, presence, "room:b", PresenceDiff(leaves={"bob": [_meta("2")]}))  # type: ignore[arg-type]
    assert len(view.present["bob"]) == 1
    await refresh(view, presence, "room:b", PresenceDiff(leaves={"bob": [_meta("1")]}))  # type: ignore[arg-type]
    assert "bob" not in view.present and len(view.present) == 0


async def test_the_roster_goes_when_its_last_view_is_released() -> None:
    # A roster nobody watches would miss diffs and be stale when reused: it must go
    # when the last view showing it closes, not whenever the collector runs.
    presence = FakePresence({})
    first, second = Room(), Room()
    first.present = await presence_list(presence, "room:c", first)  # type: ignore[arg-type]
    second.present = await presence_list(presence, "room:c", second)  # type: ignore[arg-type]
    release(first)
    assert "room:c" in _rosters
    release(second)
    assert "room:c" not in _rosters
    presence.listing = {"eve": [_meta("9")]}
    third = Room()
    third.present = await presence_list(presence, "room:c", third)  # type: ignore[arg-type]
    assert third.present.keys() == ["eve"]  # loaded afresh, not a stale roster
    release(third)


async def test_a_frozen_list_thaws_as_data_and_the_next_diff_shares_it_again() -> None:
    presence = FakePresence({"ada": [_meta("1")]})
    live = Room()
    live.present = await presence_list(presence, "room:d", live)  # type: ignore[arg-type]
    thawed = Room()
    thawed.present = pickle.loads(pickle.dumps(live.present))
    assert isinstance(thawed.present, PresenceList) and thawed.present.keys() == ["ada"]
    diff = PresenceDiff(joins={"eve": [_meta("2")]})
    await refresh(live, presence, "room:d", diff)  # type: ignore[arg-type]
    await refresh(thawed, presence, "room:d", diff)  # type: ignore[arg-type]
    assert thawed.present is live.present


async def test_a_view_that_already_shows_the_list_after_a_diff_has_nothing_to_render() -> None:
    # Regression: a view that joined while a diff was going round got the new list,
    # then the diff assigned it the same list again: changed in place, rendered afresh.
    presence = FakePresence({"ada": [_meta("1")]})
    first, late = Room(), Room()
    first.present = await presence_list(presence, "room:e", first)  # type: ignore[arg-type]
    diff = PresenceDiff(joins={"bob": [_meta("2")]})
    await refresh(first, presence, "room:e", diff)  # type: ignore[arg-type]
    late.present = await presence_list(presence, "room:e", late)  # type: ignore[arg-type]
    late.pop_changed()
    late.pop_mutated()
    await refresh(late, presence, "room:e", diff)  # type: ignore[arg-type]
    assert late.present is first.present
    assert late.pop_changed() == set()
    assert late.pop_mutated() == frozenset()


async def test_diffs_keep_the_list_equal_to_one_built_afresh_and_remake_only_changed_keys() -> None:
    rng = random.Random(19)
    people = [f"p{n:03}" for n in range(60)]
    presence = FakePresence({key: [_meta(f"{key}-0")] for key in people[:30]})
    view = Room()
    view.present = await presence_list(presence, "room:many", view)  # type: ignore[arg-type]
    tabs: dict[str, set[str]] = {key: {f"{key}-0"} for key in people[:30]}
    first, first_keys = view.present, view.present.keys()
    for step in range(200):
        key = rng.choice(people)
        before = view.present
        if tabs.get(key) and rng.random() < 0.5:
            ref = rng.choice(sorted(tabs[key]))
            tabs[key].discard(ref)
            diff = PresenceDiff(leaves={key: [_meta(ref)]})
        else:
            ref = f"{key}-{step + 1}"
            tabs.setdefault(key, set()).add(ref)
            diff = PresenceDiff(joins={key: [_meta(ref)]})
        await refresh(view, presence, "room:many", diff)  # type: ignore[arg-type]
        after = view.present
        expected = {k: sorted(refs) for k, refs in tabs.items() if refs}
        assert after.keys() == sorted(expected)  # in key order, as a list built afresh
        assert {p.key: [m["phx_ref"] for m in p.metas] for p in after} == expected
        assert [p.key for p in after.entries] == after.keys()
        for other in after:  # the keys the diff did not touch keep their entries
            if other.key != key and other.key in before:
                assert before[other.key] is other
    assert first.keys() == first_keys and len(first) == 30  # a list given out never changes
    release(view)
