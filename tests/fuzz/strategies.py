"""Hypothesis strategies for frames a hostile client may send.

Every frame is text a WebSocket can carry (valid UTF-8): lone surrogates
arrive JSON-escaped (``"\\ud800"``), as ``JSON.stringify`` sends them. A frame
is built from a ``Page`` (the attacker's own dead render), so some joins and
events are valid and reach a real view, and the rest are near misses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st


@dataclass(frozen=True)
class Page:
    """What a browser takes from a dead render: the live container's tokens and CSRF."""

    url: str
    element_id: str
    session: str
    static: str
    csrf: str
    events: tuple[str, ...]
    # The type the page's own bindings send. Its handlers are written for it: a
    # form handler given a click's dict crashes the view, as user code may.
    event_type: str

    @property
    def topic(self) -> str:
        return "lv:" + self.element_id


# A lone surrogate is valid JSON text (escaped) and a classic encoder crash.
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
ODD_TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        SURROGATES,  # echoed in replies: the writer must escape them, not die
        st.sampled_from(["\x00", "\u202e", "\ufeff", "%", "&", "=", "+", "[", "{", '"', "\\"]),
    ),
    max_size=30,
)
TEXT = st.one_of(st.text(max_size=30), ODD_TEXT)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**300), max_value=10**300),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=16,
)
REFS = st.one_of(st.none(), st.integers(0, 5).map(str), TEXT)
EVENT_TYPES = st.sampled_from(["click", "form", "keyup", "keydown", "blur", "focus", "hook"])

# Form bodies as the client encodes them, and as nobody should.
FORM_PIECES = st.one_of(
    st.sampled_from(["%ZZ", "%", "%e2%82", "%ed%a0%80", "%ff%fe", "+", "&&", "==", ";", "%00"]),
    st.text(max_size=10),
    st.builds(lambda k, v: f"{k}={v}", st.text(max_size=8), st.text(max_size=8)),
)
FORM_BODIES = st.lists(FORM_PIECES, max_size=8).map("&".join)


def dump(value: Any) -> str:
    """JSON as the browser sends it: surrogates escaped, so the frame is valid UTF-8."""
    return json.dumps(value, ensure_ascii=True)


def field_values(page: Page) -> st.SearchStrategy[dict[str, Any]]:
    own = st.fixed_dictionaries(
        {"type": st.just(page.event_type), "event": st.sampled_from(page.events)}
    )
    unknown = st.fixed_dictionaries(
        {"type": st.one_of(EVENT_TYPES, TEXT), "event": TEXT.filter(lambda n: n not in page.events)}
    )
    head = st.one_of(own, unknown)
    extra = st.fixed_dictionaries(
        {},
        optional={
            "value": st.one_of(JSON, FORM_BODIES),
            "meta": JSON,
            "cid": JSON,
            "uploads": JSON,
            "_target": JSON,
        },
    )
    return st.builds(lambda a, b: {**b, **a}, head, extra)


def form_event(page: Page) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "type": st.just("form"),
            "event": st.sampled_from(page.events),
            "value": st.one_of(FORM_BODIES, st.text(max_size=60), JSON),
        },
        optional={"meta": JSON, "_target": st.one_of(TEXT, JSON)},
    )


def join_payload(page: Page) -> st.SearchStrategy[dict[str, Any]]:
    """A join with the page's real tokens, some of them replaced or forged."""
    forged_session = st.builds(
        lambda cut, tail: page.session[:cut] + tail,
        st.integers(0, len(page.session)),
        st.text("ABCxyz:._-", max_size=6),
    )
    return st.fixed_dictionaries(
        {
            "url": st.one_of(st.just(page.url), TEXT, st.just("http://evil.test/counter/")),
            "params": st.one_of(
                st.just({"_csrf_token": page.csrf, "_mounts": 0}),
                st.fixed_dictionaries({"_csrf_token": st.one_of(TEXT, JSON), "_mounts": JSON}),
                JSON,
            ),
            "session": st.one_of(st.just(page.session), forged_session, JSON),
            "static": st.one_of(st.just(page.static), TEXT, JSON),
        },
        optional={"redirect": JSON, "flash": JSON},
    )


def frames(page: Page) -> st.SearchStrategy[str]:
    """One text frame: valid, near-miss or garbage."""
    topics = st.one_of(st.just(page.topic), st.just("phoenix"), TEXT.map("lv:".__add__), TEXT)
    join_refs = st.one_of(st.just("1"), REFS)
    channel_events = st.sampled_from(
        ["phx_join", "phx_leave", "event", "live_patch", "cids_will_destroy", "cids_destroyed"]
    )
    valid = st.one_of(
        st.builds(lambda ref: [None, ref, "phoenix", "heartbeat", {}], REFS),
        st.builds(
            lambda jr, ref, p: [jr, ref, page.topic, "phx_join", p],
            join_refs,
            REFS,
            join_payload(page),
        ),
        st.builds(
            lambda jr, ref, p: [jr, ref, page.topic, "event", p],
            join_refs,
            REFS,
            st.one_of(field_values(page), form_event(page))
            if page.event_type == "form"
            else field_values(page),
        ),
        st.builds(
            lambda jr, ref, url: [jr, ref, page.topic, "live_patch", {"url": url}],
            join_refs,
            REFS,
            st.one_of(st.just(page.url), TEXT, JSON),
        ),
        st.builds(
            lambda jr, ref, ev, cids: [jr, ref, page.topic, ev, {"cids": cids}],
            join_refs,
            REFS,
            st.sampled_from(["cids_will_destroy", "cids_destroyed"]),
            JSON,
        ),
        st.builds(lambda jr, ref: [jr, ref, page.topic, "phx_leave", {}], join_refs, REFS),
    )
    mutated = st.one_of(
        # Any event name, on any topic, with any payload.
        st.builds(
            lambda jr, ref, topic, ev, p: [jr, ref, topic, ev, p],
            REFS,
            REFS,
            topics,
            st.one_of(channel_events, TEXT),
            JSON,
        ),
        # One element of a valid frame replaced by any JSON value.
        st.builds(
            lambda frame, index, value: [*frame[:index], value, *frame[index + 1 :]],
            valid,
            st.integers(0, 4),
            JSON,
        ),
        # Too short or too long.
        st.builds(lambda frame, n: frame[:n], valid, st.integers(0, 4)),
        st.builds(lambda frame, extra: frame + extra, valid, st.lists(JSON, min_size=1)),
        JSON,
    )
    garbage = st.one_of(
        st.text(max_size=200),
        st.integers(1, 200).map(lambda n: "[" * n + "]" * n),
        st.integers(1, 200).map(lambda n: '[null,"1","phoenix","heartbeat",' + "{" * n),
        st.integers(4000, 6000).map(lambda n: '[null,"1","phoenix","heartbeat",' + "9" * n + "]"),
        st.sampled_from(["NaN", "[NaN]", "[Infinity,1,2,3,4]", "", " ", "null", "[]", "{}"]),
        # Over MAX_FRAME_BYTES, and far over it: closed with 1009.
        st.integers(250_000, 400_000).map(lambda n: dump([None, "1", "phoenix", "x" * n, {}])),
    )
    # What the real client sends: a join with the page's tokens, then its events.
    honest_join = {
        "url": page.url,
        "params": {"_csrf_token": page.csrf, "_mounts": 0},
        "session": page.session,
        "static": page.static,
    }
    exact = st.one_of(
        st.builds(lambda ref: ["1", ref, page.topic, "phx_join", honest_join], REFS),
        st.builds(
            lambda ref, p: ["1", ref, page.topic, "event", p],
            REFS,
            form_event(page)
            if page.event_type == "form"
            else st.builds(
                lambda name: {"type": page.event_type, "event": name, "value": {}},
                st.sampled_from(page.events),
            ),
        ),
    )
    # Frames that keep the socket open most often: they reach the views, where the state is.
    return st.one_of(
        exact.map(dump),
        exact.map(dump),
        valid.map(dump),
        valid.map(dump),
        mutated.map(dump),
        garbage,
    )
