from __future__ import annotations

import json

from tether import protocol
from tether.live.shared import SharedPayloads


class Broadcast:
    """Any object can be a broadcast message; identity is what counts."""


def test_same_message_and_equal_diffs_share_one_string() -> None:
    shared = SharedPayloads()
    message = Broadcast()
    first = shared.encode(message, {"0": {"1": "hi"}})
    second = shared.encode(message, {"0": {"1": "hi"}})  # equal, not the same dict
    assert second is first
    assert json.loads(first) == {"0": {"1": "hi"}}
    assert (shared.hits, shared.misses) == (1, 1)
    shared.encode(message, {"0": {"1": "hi"}})
    assert shared.hits == 2


def test_different_diffs_get_their_own_encoding() -> None:
    shared = SharedPayloads()
    message = Broadcast()
    mine = shared.encode(message, {"0": "mine"})
    yours = shared.encode(message, {"0": "yours"})
    assert json.loads(mine) == {"0": "mine"}
    assert json.loads(yours) == {"0": "yours"}
    assert shared.encode(message, {"0": "yours"}) is yours
    assert shared.encode(message, {"0": "mine"}) is mine
    assert (shared.hits, shared.misses) == (2, 2)


def test_different_messages_do_not_share() -> None:
    shared = SharedPayloads()
    a, b = Broadcast(), Broadcast()
    first = shared.encode(a, {"0": "x"})
    second = shared.encode(b, {"0": "x"})
    assert second == first
    assert second is not first
    assert shared.misses == 2


def test_no_message_is_a_plain_encoding() -> None:
    shared = SharedPayloads()
    diff = {"0": "é", "1": [1, 2]}
    assert shared.encode(None, diff) == protocol.dumps(diff)
    shared.encode(None, diff)
    assert (shared.hits, shared.misses) == (0, 0)
    assert not shared._recent


def test_only_recent_messages_are_kept() -> None:
    shared = SharedPayloads()
    messages = [Broadcast() for _ in range(SharedPayloads.KEEP_MESSAGES + 1)]
    encoded = [shared.encode(m, {"0": "x"}) for m in messages]
    assert len(shared._recent) == SharedPayloads.KEEP_MESSAGES
    # The newest are still shared; the oldest was forgotten and is encoded again.
    assert shared.encode(messages[-1], {"0": "x"}) is encoded[-1]
    assert shared.encode(messages[1], {"0": "x"}) is encoded[1]
    again = shared.encode(messages[0], {"0": "x"})
    assert again == encoded[0]
    assert again is not encoded[0]


def test_only_a_few_variants_are_remembered_per_message() -> None:
    shared = SharedPayloads()
    message = Broadcast()
    variants = [{"0": str(i)} for i in range(SharedPayloads.VARIANTS + 1)]
    encoded = [shared.encode(message, diff) for diff in variants]
    assert shared.encode(message, variants[0]) is encoded[0]
    assert shared.encode(message, variants[-1]) is not encoded[-1]
    assert shared.encode(message, variants[-1]) == encoded[-1]
