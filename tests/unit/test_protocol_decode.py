"""tether.protocol.decode on hostile text: every failure is a MalformedFrame.

Regression for the review finding "decode catches only JSONDecodeError": deep
nesting raised RecursionError and over-long integers ValueError, which escaped
the socket as an unhandled exception and closed it with 1000 instead of 1002.
"""

from __future__ import annotations

import pytest

from tether import protocol
from tether.errors import MalformedFrame
from tether.protocol import decode


def frame_around(payload: str) -> str:
    return f'["1","2","lv:phx-x","event",{payload}]'


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "{" * 100_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
        frame_around("[" * 100_000 + "]" * 100_000),
    ],
    ids=["open-arrays", "open-objects", "closed-objects", "closed-arrays-in-payload"],
)
def test_decode_deep_nesting_is_malformed_not_recursion_error(text: str) -> None:
    with pytest.raises(MalformedFrame):
        decode(text)


def test_decode_nesting_deeper_than_the_limit_is_malformed() -> None:
    # Within the interpreter's recursion limit, but deep enough to crash code
    # that walks or re-encodes the payload further up the stack.
    depth = protocol.MAX_NESTING
    with pytest.raises(MalformedFrame, match="nested deeper than"):
        decode(frame_around("[" * depth + "]" * depth))


def test_decode_nesting_up_to_the_limit_is_accepted() -> None:
    depth = protocol.MAX_NESTING - 1  # the frame's own array is the first level
    payload = decode(frame_around("[" * depth + "]" * depth))[4]
    for _ in range(depth - 1):
        payload = payload[0]
    assert payload == []


def test_decode_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = frame_around('{"value": "' + "[{" * 10_000 + '"}')
    assert decode(text)[4] == {"value": "[{" * 10_000}


@pytest.mark.parametrize("digits", [4301, 100_000])
def test_decode_over_long_integer_is_malformed_not_value_error(digits: int) -> None:
    with pytest.raises(MalformedFrame):
        decode(frame_around("1" * digits))


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_decode_non_json_constants_are_malformed(constant: str) -> None:
    # Python's json accepts them, JSON and the browser's JSON.parse do not:
    # echoed back in a reply they would break the client's decoder.
    with pytest.raises(MalformedFrame, match="not JSON"):
        decode(frame_around(f'{{"n": {constant}}}'))


def test_decode_keeps_unicode_and_lone_surrogates_as_text() -> None:
    # A lone surrogate is valid JSON text; it is the encoder's job not to choke on it.
    assert decode(frame_around('"\\ud800 é 🎉"'))[4] == "\ud800 é 🎉"


def test_decode_big_but_bounded_numbers_still_decode() -> None:
    assert decode(frame_around("1" * 4000))[4] == int("1" * 4000)
    assert decode(frame_around("1e308"))[4] == 1e308
