"""ClientTree merges diffs the way the LiveView client does."""

from __future__ import annotations

import pytest

from tether.errors import UnmergeableDiff
from tether.testing.tree import ClientTree


def test_join_and_value_update() -> None:
    client = ClientTree({"0": "5", "s": 0, "r": 1, "p": {"0": ["<p>", "</p>"]}})
    assert client.to_html() == "<p>5</p>"
    assert client.reply == 1  # at the top level "r" is taken as a hook reply
    client.merge({"0": "6"})
    assert client.to_html() == "<p>6</p>"


def test_nested_tree_replaced_when_statics_sent() -> None:
    client = ClientTree(
        {"0": {"0": "a", "s": 1}, "s": 0, "p": {"0": ["[", "]"], "1": ["<b>", "</b>"]}}
    )
    assert client.to_html() == "[<b>a</b>]"
    client.merge({"0": {"s": 0}, "p": {"0": ["none"]}})
    assert client.to_html() == "[none]"


def test_keyed_moves_need_km() -> None:
    join = {
        "0": {"s": 1, "k": {"0": {"0": "a"}, "1": {"0": "b"}, "2": {"0": "c"}, "kc": 3}},
        "s": 0,
        "p": {"0": ["<ul>", "</ul>"], "1": ["<li>", "</li>"]},
    }
    client = ClientTree(join)
    assert client.to_html() == "<ul><li>a</li><li>b</li><li>c</li></ul>"
    client.merge({"0": {"k": {"0": 2, "1": [0, {"0": "A"}], "kc": 2, "km": True}}})
    assert client.to_html() == "<ul><li>c</li><li>A</li></ul>"
    with pytest.raises(UnmergeableDiff):
        ClientTree(join).merge({"0": {"k": {"0": 1, "kc": 3}}})


def test_new_rows_with_nested_statics_and_shrinking() -> None:
    client = ClientTree(
        {"0": {"s": 0, "k": {"kc": 0}}, "s": 1, "p": {"0": ["(", ")"], "1": ["", ""]}}
    )
    assert client.to_html() == ""
    client.merge(
        {"0": {"k": {"0": {"0": {"0": "x", "s": 0}}, "kc": 1}}, "p": {"0": ["<i>", "</i>"]}}
    )
    assert client.to_html() == "(<i>x</i>)"
    client.merge({"0": {"k": {"kc": 0}}})
    assert client.to_html() == ""


def test_merge_does_not_modify_the_diff() -> None:
    diff = {"0": "5", "s": 0, "p": {"0": ["<p>", "</p>"]}}
    ClientTree(diff)
    assert diff == {"0": "5", "s": 0, "p": {"0": ["<p>", "</p>"]}}
