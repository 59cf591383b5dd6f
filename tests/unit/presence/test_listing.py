"""PresenceList: who is on a topic, kept up to date from diffs, for templates (issue 17, item 8)."""

from __future__ import annotations

import pickle

from django.template import Context, Template

from tether.presence import PresenceDiff, PresenceList
from tether.protocol import PRESENCE_REF


def meta(ref: str, **extra: str) -> dict[str, str]:
    return {PRESENCE_REF: ref, **extra}


def joins(key: str, *refs: str) -> PresenceDiff:
    return PresenceDiff(joins={key: [meta(ref) for ref in refs]})


def leaves(key: str, *refs: str) -> PresenceDiff:
    return PresenceDiff(leaves={key: [meta(ref) for ref in refs]})


def test_people_arrive_sorted_by_name_with_a_count_of_their_tabs() -> None:
    present = PresenceList("room")
    present = present.apply(joins("zoe", "z1"))
    present = present.apply(joins("ada", "a1", "a2"))

    assert present.keys == ["ada", "zoe"]
    assert [(p.key, p.count) for p in present] == [("ada", 2), ("zoe", 1)]
    assert "ada" in present and "bob" not in present
    assert len(present) == 2


def test_closing_one_tab_keeps_the_person_and_closing_the_last_removes_them() -> None:
    present = PresenceList("room").apply(joins("ada", "a1", "a2"))

    present = present.apply(leaves("ada", "a1"))
    assert [(p.key, p.count) for p in present] == [("ada", 1)]

    present = present.apply(leaves("ada", "a2"))
    assert present.keys == []


def test_a_diff_applied_twice_or_already_loaded_changes_nothing() -> None:
    loaded = PresenceList.build("room", {"ada": [meta("a1", status="here")]})

    again = loaded.apply(joins("ada", "a1"))
    assert again is loaded, "nothing changed: the same value, so no diff goes out"
    assert loaded.apply(leaves("bob", "b1")) is loaded, "a leave of someone unseen"
    assert loaded.get("ada") is not None and loaded.get("ada").meta["status"] == "here"


def test_a_changed_list_is_a_new_value_and_the_old_one_is_untouched() -> None:
    before = PresenceList("room").apply(joins("ada", "a1"))
    after = before.apply(joins("bob", "b1"))

    assert before.keys == ["ada"]
    assert after.keys == ["ada", "bob"]
    assert after != before


def test_a_template_loops_over_it() -> None:
    present = PresenceList.build("room", {"bob": [meta("b1")], "ada": [meta("a1"), meta("a2")]})
    template = Template(
        "{% for p in present %}{{ p.key }}{% if p.count > 1 %} ({{ p.count }} tabs){% endif %};"
        "{% endfor %}{{ present|length }} here"
    )

    assert template.render(Context({"present": present})) == "ada (2 tabs);bob;2 here"


def test_it_survives_freezing() -> None:
    present = PresenceList.build("room", {"ada": [meta("a1", status="away")]})
    thawed = pickle.loads(pickle.dumps(present))

    assert thawed == present
    assert thawed.apply(leaves("ada", "a1")).keys == []
