"""Uploads' pure parts: the binary frame, upload tokens, the rules of an upload, its input tag."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from django.template import Context, Template

from tether import protocol, tokens
from tether.errors import EventError, InvalidToken, MalformedFrame, UploadError
from tether.upload_config import UploadConfig, UploadEntry
from tether.uploads import Uploads, upload_errors
from tether.view import LiveView


def config(**overrides: Any) -> UploadConfig:
    values: dict[str, Any] = {
        "name": "avatar",
        "accept": [".png", "image/*", "text/plain"],
        "max_entries": 2,
        "max_file_size": 100,
        "chunk_size": 10,
        "chunk_timeout": 10.0,
        "auto_upload": False,
        "progress": None,
        "external": None,
    }
    return UploadConfig(**{**values, **overrides})


def entry(ref: str, name: str, size: int = 10, kind: str = "image/png") -> dict[str, Any]:
    return {"ref": ref, "name": name, "size": size, "type": kind}


# -- the binary frame --------------------------------------------------------------------


def test_a_binary_push_round_trips_without_copying_the_payload() -> None:
    frame = protocol.encode_binary("4", "12", "lvu:0", "chunk", b"\x00\xffdata")
    join_ref, ref, topic, event, payload = protocol.decode_binary(frame)
    assert (join_ref, ref, topic, event) == ("4", "12", "lvu:0", "chunk")
    assert isinstance(payload, memoryview) and payload.tobytes() == b"\x00\xffdata"


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        b"\x00\x01",
        b"\x02\x00\x00\x00\x00",
        b"\x00\x05\x00\x00\x00abc",
        b"\x00\x01\x00\x00\x00\xff",
    ],
)
def test_a_malformed_binary_frame_is_refused(frame: bytes) -> None:
    with pytest.raises(MalformedFrame):
        protocol.decode_binary(frame)


# -- tokens ---------------------------------------------------------------------------------


def test_an_upload_token_works_only_on_its_connection_and_entry() -> None:
    signed = tokens.sign_upload(tokens.UploadToken("sock", "phx-a", "phx-c", "7"))
    assert (
        tokens.verify_upload(signed, socket="sock", entry_ref="7", max_age=60).config_ref == "phx-c"
    )
    for socket, ref in (("other", "7"), ("sock", "8")):
        with pytest.raises(InvalidToken):
            tokens.verify_upload(signed, socket=socket, entry_ref=ref, max_age=60)
    with pytest.raises(InvalidToken):
        tokens.verify_upload(signed[:-2] + "xx", socket="sock", entry_ref="7", max_age=60)


# -- the rules ---------------------------------------------------------------------------------


def test_size_type_and_count_are_checked_from_what_the_client_declares() -> None:
    upload = config()
    upload.put_entries(
        [
            entry("0", "a.png"),
            entry("1", "b.gif", kind="image/gif"),  # image/* accepts it
            entry("2", "big.png", size=101),
        ]
    )
    assert [e.codes for e in upload.entries] == [[], [], ["too_large"]]
    assert upload_errors(upload) == ["Too many files"]
    assert upload.error_refs == [upload.ref, "2"]
    upload.drop(upload.entries[2])
    assert upload.errors == [], "too many files holds only while there are"
    other = config(accept=[".md"])
    other.put_entries([entry("9", "notes.MD", kind=""), entry("8", "x.html", kind="text/html")])
    assert [str(m) for e in other.entries for m in e.errors] == ["Not an accepted file type"]


def test_a_new_single_choice_replaces_the_previous_one() -> None:
    upload = config(max_entries=1)
    upload.put_entries([entry("0", "a.png")])
    upload.put_entries([entry("1", "b.png")])
    assert [e.ref for e in upload.entries] == ["1"]


@pytest.mark.parametrize(
    "raw",
    [{"ref": "0"}, [{"ref": 0, "name": "a", "size": 1, "type": ""}], [entry("0", "a", size=-1)]],
)
def test_a_malformed_client_entry_is_an_event_error(raw: Any) -> None:
    with pytest.raises(EventError):
        config().put_entries(raw)


def test_accept_must_be_extensions_or_types() -> None:
    for accept in ("*.png", ["png"], []):
        with pytest.raises(UploadError):
            config(accept=accept)


def test_a_frozen_upload_keeps_its_settings_and_drops_its_entries() -> None:
    upload = config()
    upload.put_entries([entry("0", "a.png")])
    upload.entries[0].received = object()  # type: ignore[assignment]
    thawed = pickle.loads(pickle.dumps(Uploads(avatar=upload)))
    assert thawed.avatar.ref == upload.ref and thawed.avatar.max_entries == 2
    assert thawed.avatar.entries == []


def test_allow_upload_refuses_limits_past_the_settings_and_active_entries() -> None:
    view = LiveView()
    with pytest.raises(UploadError, match="chunk_size"):
        view.allow_upload("avatar", accept="any", chunk_size=10**9)
    upload = view.allow_upload("avatar", accept="any")
    upload.entries.append(UploadEntry("0", upload.ref, "avatar", "a", 1, ""))
    with pytest.raises(UploadError, match="consume or cancel"):
        view.allow_upload("avatar", accept="any")
    with pytest.raises(UploadError, match="in progress"):
        view.consume_uploaded_entries("avatar", lambda file, entry: None)


# -- the tag ----------------------------------------------------------------------------------


def test_the_file_input_renders_what_the_client_reads() -> None:
    upload = config(auto_upload=True)
    upload.put_entries([entry("0", "a.png"), entry("1", "b.png", size=500)])
    upload.entries[0].preflighted = upload.entries[0].done = True
    html = Template(
        "{% load tether %}{% live_file_input upload class=cls disabled=off aria_label='pick' %}"
    ).render(Context({"upload": upload, "cls": "big", "off": False}))
    ref = upload.ref
    assert html == (
        f'<input id="{ref}" type="file" name="avatar" accept=".png,image/*,text/plain"'
        f' data-phx-hook="Phoenix.LiveFileUpload" data-phx-upload-ref="{ref}"'
        ' data-phx-active-refs="0,1" data-phx-done-refs="0" data-phx-preflighted-refs="0"'
        ' data-phx-error-refs="1" data-phx-auto-upload multiple class="big" aria-label="pick">'
    )
