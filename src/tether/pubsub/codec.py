"""Signed pickles for whatever crosses a process boundary.

Payloads are arbitrary Python values, so they travel as pickles. Unpickling
runs code, so nothing is unpickled before its MAC checks out: someone who can
write to Redis but does not know ``SECRET_KEY`` cannot get code executed.

Frame: ``version (1 byte) | mac (32 bytes) | body``, where the MAC is keyed
BLAKE2b over ``version | body``.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
from collections.abc import Sequence
from typing import Any

from tether.errors import BadSignature

VERSION = b"\x01"
MAC_SIZE = 32
# blake2b's personalisation separates these keys from any other use of SECRET_KEY.
_PERSON = b"tether.pubsub"


def _derive(secret: str | bytes) -> bytes:
    raw = secret.encode() if isinstance(secret, str) else secret
    return hashlib.blake2b(raw, digest_size=32, person=_PERSON).digest()


class Codec:
    """Signs and verifies frames; pickles and unpickles values.

    ``secret`` defaults to Django's ``SECRET_KEY`` (read on first use, so
    constructing a codec needs no settings). ``fallbacks`` are older secrets
    still accepted when verifying, like ``SECRET_KEY_FALLBACKS``, so a
    rolling key change does not drop messages between old and new processes.
    """

    def __init__(
        self, secret: str | bytes | None = None, fallbacks: Sequence[str | bytes] | None = None
    ) -> None:
        self._secret = secret
        self._fallbacks = fallbacks
        self._keys: list[bytes] | None = None

    def _load_keys(self) -> list[bytes]:
        if self._keys is None:
            secret, fallbacks = self._secret, self._fallbacks
            if secret is None:
                from django.conf import settings

                secret = settings.SECRET_KEY
                if fallbacks is None:
                    fallbacks = getattr(settings, "SECRET_KEY_FALLBACKS", [])
            if not secret:
                raise ValueError("tether.pubsub needs a non-empty secret (SECRET_KEY) to sign")
            self._keys = [_derive(secret), *(_derive(f) for f in fallbacks or ())]
        return self._keys

    def _mac(self, key: bytes, body: bytes) -> bytes:
        return hashlib.blake2b(VERSION + body, key=key, digest_size=MAC_SIZE).digest()

    def sign(self, body: bytes) -> bytes:
        return VERSION + self._mac(self._load_keys()[0], body) + body

    def unsign(self, frame: bytes) -> bytes:
        """The body of ``frame``; raises ``BadSignature`` unless a known key signed it."""
        if len(frame) < 1 + MAC_SIZE or frame[:1] != VERSION:
            raise BadSignature("malformed frame")
        mac, body = frame[1 : 1 + MAC_SIZE], frame[1 + MAC_SIZE :]
        for key in self._load_keys():
            if hmac.compare_digest(mac, self._mac(key, body)):
                return body
        raise BadSignature("signature mismatch")

    def dumps(self, value: Any) -> bytes:
        return self.sign(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def loads(self, frame: bytes) -> Any:
        """Verify, then unpickle. Never unpickles an unverified frame."""
        return pickle.loads(self.unsign(frame))
