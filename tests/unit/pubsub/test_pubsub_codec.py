from __future__ import annotations

import pickle

import pytest

from tether.errors import BadSignature
from tether.pubsub.codec import Codec


def test_round_trip() -> None:
    codec = Codec("s3cret")
    value = ("chat", {"who": "ann"}, [1, 2.5, None])
    assert codec.loads(codec.dumps(value)) == value


def test_a_tampered_frame_is_refused() -> None:
    codec = Codec("s3cret")
    frame = bytearray(codec.dumps({"n": 1}))
    frame[-2] ^= 0x01
    with pytest.raises(BadSignature):
        codec.loads(bytes(frame))


class Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("unpickled!",))


def test_nothing_unsigned_is_unpickled(capsys: pytest.CaptureFixture[str]) -> None:
    codec = Codec("s3cret")
    forged = Codec("attacker").dumps(Exploit())
    for frame in (forged, pickle.dumps(Exploit()), b"", b"\x01" + b"\x00" * 40):
        with pytest.raises(BadSignature):
            codec.loads(frame)
    assert "unpickled!" not in capsys.readouterr().out


def test_fallback_secrets_still_verify() -> None:
    old = Codec("old").dumps("hi")
    assert Codec("new", fallbacks=["old"]).loads(old) == "hi"
    with pytest.raises(BadSignature):
        Codec("new").loads(old)


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        Codec("").dumps(1)


def test_the_secret_defaults_to_django_secret_key(settings) -> None:
    settings.SECRET_KEY = "from-settings"
    settings.SECRET_KEY_FALLBACKS = ["older"]
    assert Codec("from-settings").loads(Codec().dumps(1)) == 1
    assert Codec().loads(Codec("older").dumps(2)) == 2
