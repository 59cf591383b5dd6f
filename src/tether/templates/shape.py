"""Which rendered trees are exactly one HTML element.

The client rewrites the start tag of a tree flagged ``"r": 1`` and, when that
tree did not change, replaces the whole tree by an empty copy of its element
(``rendered/modify_root.ts``). A flag on anything but one well-formed element
therefore loses content, so the flag is only set when it is proven.

Statics are scanned once per template fragment with their holes (the places
where dynamics go) marked. The scan records, for each hole, what its value must
satisfy for the statics' verdict to hold: text inside element content must be
a balanced fragment, anything inside a tag, a comment or raw text must be
inert (free of ``<>"'``). Values are checked at render time, lazily.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

VOID_TAGS = frozenset(
    "area base br col command embed hr img input keygen link meta param source track wbr".split()
)
RAW_TAGS = frozenset(("script", "style", "textarea", "title"))
HTML_SPACE = " \t\n\r\f"
_NOT_INERT = re.compile("[<>\"']")
_TAG_NAME_END = re.compile(r"[\s/>]")


class Need(enum.IntEnum):
    """What a hole's value must be for the statics' verdict to hold."""

    BALANCED = 0
    INERT = 1


@dataclass(frozen=True, slots=True)
class Shape:
    needs: tuple[Need, ...]
    balanced: bool  # a balanced fragment when every hole meets its need
    single: bool  # ... that is exactly one element, with nothing but spaces around it
    inert: bool  # the statics alone hold none of <>"'


def is_inert(text: str) -> bool:
    return _NOT_INERT.search(text) is None


def is_balanced_text(text: str) -> bool:
    if "<" not in text and ">" not in text:
        return True
    return _balanced_string(text)


@lru_cache(maxsize=4096)
def _balanced_string(text: str) -> bool:
    return analyze((text,)).balanced


_FAIL = Shape((), False, False, False)

# Scanner states.
_DATA, _TAG, _DQ, _SQ, _UNQ, _COMMENT, _RAW = range(7)


def analyze(statics: Sequence[str]) -> Shape:
    stack: list[str] = []
    needs: list[Need] = []
    state = _DATA
    raw_tag = ""
    tag = ""
    top_elements = 0
    top_clean = True  # nothing but whitespace and one element at depth 0
    last = len(statics) - 1
    for index, text in enumerate(statics):
        i = 0
        n = len(text)
        while i < n:
            c = text[i]
            if state == _DATA:
                if c == "<":
                    if text.startswith("<!--", i):
                        state = _COMMENT
                        top_clean = top_clean and bool(stack)
                        i += 4
                        continue
                    if text.startswith("</", i):
                        close = text.find(">", i)
                        if close < 0:
                            return _FAIL
                        name = text[i + 2 : close].strip().lower()
                        if not stack or stack.pop() != name:
                            return _FAIL
                        i = close + 1
                        continue
                    if i + 1 < n and text[i + 1].isalpha():
                        match = _TAG_NAME_END.search(text, i + 1)
                        if match is None:
                            return _FAIL  # a hole would extend the tag name
                        tag = text[i + 1 : match.start()].lower()
                        if not stack:
                            top_elements += 1
                        state = _TAG
                        i = match.start()
                        continue
                    if i + 1 >= n or text[i + 1] in "!?":
                        return _FAIL
                    if not stack:
                        top_clean = False
                elif c == ">":
                    return _FAIL
                elif not stack and c not in HTML_SPACE:
                    top_clean = False
            elif state == _TAG:
                if c == ">":
                    if text[i - 1 : i] == "/" and tag not in VOID_TAGS:
                        return _FAIL  # self-closing only in foreign content: not provable
                    if tag not in VOID_TAGS:
                        stack.append(tag)
                        if tag in RAW_TAGS:
                            state = _RAW
                            raw_tag = tag
                            i += 1
                            continue
                    state = _DATA
                elif c == '"':
                    state = _DQ
                elif c == "'":
                    state = _SQ
                elif c == "=":
                    j = i + 1
                    while j < n and text[j] in HTML_SPACE:
                        j += 1
                    if j < n and text[j] not in "\"'>":
                        state = _UNQ
                        i = j
                        continue
                elif c == "<":
                    return _FAIL
            elif state == _DQ:
                if c == '"':
                    state = _TAG
            elif state == _SQ:
                if c == "'":
                    state = _TAG
            elif state == _UNQ:
                if c in HTML_SPACE:
                    state = _TAG
                elif c == ">":
                    state = _TAG
                    continue
                elif c in "\"'<=`":
                    return _FAIL
            elif state == _COMMENT:
                if text.startswith("-->", i):
                    state = _DATA
                    i += 3
                    continue
            elif state == _RAW:
                if c == "<" and text[i : i + 2 + len(raw_tag)].lower() == "</" + raw_tag:
                    state = _DATA
                    continue_at = i
                    close = text.find(">", continue_at)
                    if close < 0:
                        return _FAIL
                    stack.pop()
                    i = close + 1
                    continue
            i += 1
        if index == last:
            break
        # A hole follows this static.
        if state == _DATA:
            needs.append(Need.BALANCED)
            if not stack:
                top_clean = False
        elif state in (_TAG, _DQ, _SQ, _UNQ, _COMMENT, _RAW):
            if state == _TAG and text[-1:] not in HTML_SPACE and text[-1:] not in "\"'":
                return _FAIL  # the hole is glued to a tag or attribute name
            needs.append(Need.INERT)
    balanced = state == _DATA and not stack
    single = balanced and top_clean and top_elements == 1
    inert = all(_NOT_INERT.search(text) is None for text in statics)
    return Shape(tuple(needs), balanced, single, inert)
