"""Signed bytes and signed pickles: one scheme for pub/sub, presence and frozen state (pure).

**Nothing is unpickled before its MAC checks out.** Pub/sub messages,
presence entries and frozen views are pickles kept where others may write
(Redis, a cache), and unpickling runs code. ``Signer.loads`` verifies first
and unpickles only a body this deployment signed, so write access to the
store alone cannot get code executed. ``unsign`` gives the verified bytes
and never unpickles.

Blob: ``version (1 byte) | mac (32 bytes) | body``. The MAC is keyed
BLAKE2b over ``version | body``. Its key is derived from the secret and a
*purpose* (BLAKE2b personalisation), so a value signed for one purpose
(``tether.pubsub``) never verifies for another (``tether.state``), and none
of them is a Django ``signing`` signature.

Signing uses the current secret. Verifying tries it, then each fallback
(Django's ``SECRET_KEY_FALLBACKS`` unless given): a key rotation deployed
with the old key in the fallbacks keeps old and new processes talking and
keeps the pages frozen by the deploy's shutdown thawable. Removing the old
key from the fallbacks is what revokes everything it signed, as with the
rest of Django.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import pickle
from collections.abc import Sequence
from typing import Any, Final

from django.conf import settings

from tether.errors import BadSignature, ConfigurationError

VERSION: Final = b"\x01"
MAC_SIZE: Final = 32
HEADER_SIZE: Final = len(VERSION) + MAC_SIZE  # what precedes the body

Secret = str | bytes


@functools.lru_cache(maxsize=64)
def _derive(secret: Secret, purpose: bytes) -> bytes:
    raw = secret.encode() if isinstance(secret, str) else secret
    return hashlib.blake2b(raw, digest_size=32, person=purpose).digest()


class Signer:
    """Signs and verifies bytes for one ``purpose``; pickles and unpickles values.

    ``secret`` defaults to Django's ``SECRET_KEY`` and ``fallbacks`` to
    ``SECRET_KEY_FALLBACKS``, both read at each use, so building a signer
    needs no settings and ``override_settings`` applies at once.
    """

    __slots__ = ("_fallbacks", "_purpose", "_secret", "purpose")

    def __init__(
        self,
        purpose: str,
        secret: Secret | None = None,
        fallbacks: Sequence[Secret] | None = None,
    ) -> None:
        person = purpose.encode()
        if not 0 < len(person) <= 16:
            raise ValueError("a signing purpose is 1 to 16 bytes (BLAKE2b personalisation)")
        self.purpose = purpose
        self._purpose = person
        self._secret = secret
        self._fallbacks = fallbacks

    def for_purpose(self, purpose: str) -> Signer:
        """The same secrets, another purpose."""
        return Signer(purpose, self._secret, self._fallbacks)

    def _secrets(self) -> list[Secret]:
        secret, fallbacks = self._secret, self._fallbacks
        if secret is None:
            secret = settings.SECRET_KEY
            if fallbacks is None:
                fallbacks = getattr(settings, "SECRET_KEY_FALLBACKS", ())
        if not secret:
            raise ConfigurationError(f"{self.purpose} needs a non-empty secret (SECRET_KEY)")
        return [secret, *(fallbacks or ())]

    def _mac(self, secret: Secret, body: bytes) -> bytes:
        key = _derive(secret, self._purpose)
        return hashlib.blake2b(VERSION + body, key=key, digest_size=MAC_SIZE).digest()

    def sign(self, body: bytes) -> bytes:
        return VERSION + self._mac(self._secrets()[0], body) + body

    def unsign(self, blob: bytes) -> bytes:
        """The body of ``blob``; raises ``BadSignature`` unless a known secret signed it."""
        if len(blob) < HEADER_SIZE or blob[:1] != VERSION:
            raise BadSignature("malformed signed value")
        mac, body = blob[1:HEADER_SIZE], blob[HEADER_SIZE:]
        for secret in self._secrets():
            if hmac.compare_digest(mac, self._mac(secret, body)):
                return body
        raise BadSignature("signature mismatch")

    def dumps(self, value: Any) -> bytes:
        return self.sign(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def loads(self, blob: bytes) -> Any:
        """Verify, then unpickle: an unverified blob is never unpickled."""
        return pickle.loads(self.unsign(blob))
