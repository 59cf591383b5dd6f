from __future__ import annotations

import pickle

import pytest

from tether.errors import BadSignature, ConfigurationError
from tether.signing import Signer


def test_round_trip() -> None:
    signer = Signer("tether.test", "s3cret")
    value = ("chat", {"who": "ann"}, [1, 2.5, None])
    assert signer.loads(signer.dumps(value)) == value


def test_a_tampered_blob_is_refused() -> None:
    signer = Signer("tether.test", "s3cret")
    blob = bytearray(signer.dumps({"n": 1}))
    blob[-2] ^= 0x01
    with pytest.raises(BadSignature):
        signer.loads(bytes(blob))


ran: list[str] = []


def _record(what: str) -> None:
    ran.append(what)


class Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_record, ("unpickled!",))


def test_nothing_unsigned_is_unpickled() -> None:
    signer = Signer("tether.test", "s3cret")
    forged = Signer("tether.test", "attacker").dumps(Exploit())
    for blob in (forged, pickle.dumps(Exploit()), b"", b"\x01" + b"\x00" * 40):
        with pytest.raises(BadSignature):
            signer.loads(blob)
    assert ran == []


def test_a_value_signed_for_one_purpose_does_not_verify_for_another() -> None:
    pubsub = Signer("tether.pubsub", "s3cret")
    with pytest.raises(BadSignature):
        Signer("tether.state", "s3cret").loads(pubsub.dumps("hi"))
    assert pubsub.for_purpose("tether.state").loads(Signer("tether.state", "s3cret").dumps(1)) == 1


def test_fallback_secrets_still_verify_but_never_sign() -> None:
    old = Signer("tether.test", "old").dumps("hi")
    rotated = Signer("tether.test", "new", fallbacks=["old"])
    assert rotated.loads(old) == "hi"
    assert Signer("tether.test", "new").loads(rotated.dumps("new")) == "new"
    with pytest.raises(BadSignature):
        Signer("tether.test", "new").loads(old)


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="secret"):
        Signer("tether.test", "").dumps(1)


def test_a_purpose_must_fit_blake2b_personalisation() -> None:
    with pytest.raises(ValueError, match="purpose"):
        Signer("tether.a-purpose-too-long")


def test_the_secrets_default_to_django_settings_read_at_each_use(settings) -> None:
    signer = Signer("tether.test")
    settings.SECRET_KEY = "from-settings"
    settings.SECRET_KEY_FALLBACKS = ["older"]
    assert Signer("tether.test", "from-settings").loads(signer.dumps(1)) == 1
    assert signer.loads(Signer("tether.test", "older").dumps(2)) == 2
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(BadSignature):
        signer.loads(Signer("tether.test", "older").dumps(2))
