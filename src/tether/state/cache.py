"""Frozen state in a Django cache (``CACHES`` alias), read without letting Django unpickle it.

Django's cache backends pickle every value they store and unpickle it on
``get``, before Tether could check a signature. Whoever can write a cache
entry (a file in the cache directory, a key in the cache's Redis) could
then run code in every process that reads it. So this store writes through
Django as usual, but never reads a frozen state through ``get``:

- **file** (``FileBasedCache``) and **Redis** (``RedisCache``): it reads the
  raw entry itself and decodes Django's pickles with an unpickler that
  refuses every class and function (``_inert_loads``), so decoding runs no
  code. What comes out must be ``bytes``: the signed blob, which the freezer
  verifies before it unpickles anything. Both need one private hook of the
  backend (``_key_to_file``, ``_cache``); the tests run against the real
  backends to notice if Django changes them.
- **local memory** (``LocMemCache``) and ``DummyCache``: nothing outside the
  process can write them, so Django's own ``get`` is safe.
- Any other backend (database, memcached, third-party) is refused when the
  store is built: Tether cannot read its entries without Django unpickling
  them first. Use ``RedisStateStore`` instead.

Writes go through Django too, but a deploy writes every open view at once
(``put_many``): each batch is one hop to Django's sync thread, and Redis gets
one pipeline (``set_many``). The file cache's ``set`` lists the whole cache
directory to decide whether to cull, so a batch written with it would cost
one listing per view, quadratic in open pages (10,000 views: a listing of up
to 10,000 files each). ``_write_files`` culls once per batch and writes each
entry as ``set`` does, with the backend's own private ``_cull``,
``_write_content`` and ``_key_to_file``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import pickle
import secrets
import tempfile
import time
import zlib
from collections.abc import Sequence
from typing import Any, NoReturn

from asgiref.sync import sync_to_async
from django.core.cache import BaseCache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from tether.errors import ConfigurationError
from tether.state.base import StateStore

logger = logging.getLogger("tether.state")

# Only this process can write these, so Django may unpickle what they hold.
_IN_PROCESS = (LocMemCache, DummyCache)


class _Inert(pickle.Unpickler):
    """Decodes plain data only: every class or function is refused, so loading runs no code."""

    def find_class(self, module: str, name: str) -> NoReturn:
        raise pickle.UnpicklingError(f"refused {module}.{name}")


class _NotFrozenState(Exception):
    """An entry that is not a plain pickle of plain data; never leaves this module."""


def _inert_loads(stream: io.BufferedIOBase | io.BytesIO) -> Any:
    try:
        return _Inert(stream).load()
    except Exception as exc:  # garbage can fail in any way; none of it runs code
        raise _NotFrozenState(repr(exc)) from None


def _inflate(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error as exc:
        raise _NotFrozenState(repr(exc)) from None


class CacheStateStore(StateStore):
    def __init__(
        self, *, alias: str = "default", ttl: float = 3600.0, prefix: str = "tether:state:"
    ) -> None:
        super().__init__(ttl=ttl, prefix=prefix)
        self.alias = alias
        self.cache: BaseCache = caches[alias]
        if not isinstance(self.cache, (FileBasedCache, RedisCache, *_IN_PROCESS)):
            raise ConfigurationError(
                f"CacheStateStore cannot use CACHES[{alias!r}] ({type(self.cache).__name__}): "
                "Django would unpickle a frozen state before Tether checks its signature. "
                "Use a file, Redis or local-memory cache, or tether.state.redis.RedisStateStore."
            )

    async def put(self, element_id: str, blob: bytes) -> None:
        await self.cache.aset(self.key(element_id), blob, timeout=self.ttl)

    async def put_many(self, entries: Sequence[tuple[str, bytes]]) -> None:
        values = {self.key(element_id): blob for element_id, blob in entries}
        if isinstance(self.cache, FileBasedCache):
            await sync_to_async(_write_files)(self.cache, values, self.ttl)
        else:
            await sync_to_async(self.cache.set_many)(values, timeout=self.ttl)

    async def get(self, element_id: str) -> bytes | None:
        return await self._read(element_id, delete=False)

    async def take(self, element_id: str) -> bytes | None:
        return await self._read(element_id, delete=True)

    async def delete(self, element_id: str) -> None:
        await self.cache.adelete(self.key(element_id))

    async def _read(self, element_id: str, *, delete: bool) -> bytes | None:
        key = self.key(element_id)
        if isinstance(self.cache, _IN_PROCESS):
            value = await self.cache.aget(key)
            if delete and value is not None:
                await self.cache.adelete(key)
            return value if isinstance(value, bytes) else None
        # Django's own async cache calls run in its one sync thread; so do these,
        # rather than growing a second pool of threads for a join storm's reads.
        try:
            if isinstance(self.cache, FileBasedCache):
                value = await sync_to_async(_read_file)(self.cache, key, delete)
            elif isinstance(self.cache, RedisCache):
                value = await sync_to_async(_read_redis)(self.cache, key, delete)
            else:  # pragma: no cover - __init__ admits no other kind
                raise AssertionError(type(self.cache))
        except _NotFrozenState as exc:
            logger.warning("ignored the cache entry %r: not a frozen state (%s)", key, exc)
            return None
        if value is not None and not isinstance(value, bytes):
            logger.warning("ignored the cache entry %r: holds %s", key, type(value).__name__)
            return None
        return value


def _read_file(cache: FileBasedCache, key: str, delete: bool) -> Any:
    """The value of a file cache entry, decoded inertly; ``delete`` takes it atomically."""
    # Private: the entry's file name is Django's to choose.
    path: str = cache._key_to_file(key)  # type: ignore[attr-defined]
    if delete:
        # Renaming first makes take() atomic: of two processes, one gets the file.
        taken = f"{path}.{secrets.token_hex(8)}.taken"
        try:
            os.rename(path, taken)
        except FileNotFoundError:
            return None
        path = taken
    try:
        with open(path, "rb") as file:
            # Django's layout: pickle(expiry) | zlib(pickle(value)).
            expiry = _inert_loads(file)
            if not (expiry is None or isinstance(expiry, int | float)):
                raise _NotFrozenState(f"expiry is a {type(expiry).__name__}")
            if expiry is not None and expiry < time.time():
                return None
            return _inert_loads(io.BytesIO(_inflate(file.read())))
    except FileNotFoundError:
        return None
    finally:
        if delete:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)


def _write_files(cache: FileBasedCache, values: dict[str, bytes], ttl: float) -> None:
    """Django's ``set`` for many entries, culling once instead of once per entry."""
    # Private: the directory, its culling and the entry's layout are Django's.
    cache._createdir()  # type: ignore[attr-defined]
    cache._cull()  # type: ignore[attr-defined]
    for key, blob in values.items():
        path = cache._key_to_file(key)  # type: ignore[attr-defined]
        fd, temporary = tempfile.mkstemp(dir=cache._dir)  # type: ignore[attr-defined]
        try:
            with open(fd, "wb") as file:
                cache._write_content(file, ttl, blob)  # type: ignore[attr-defined]
            os.replace(temporary, path)  # atomic: a reader sees the old entry or the new
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temporary)
            raise


def _read_redis(cache: RedisCache, key: str, delete: bool) -> Any:
    """The value of a Redis cache entry, decoded inertly; ``delete`` is an atomic GETDEL."""
    full_key = cache.make_and_validate_key(key)
    client = cache._cache.get_client(full_key, write=delete)  # private: Django's own pool
    raw = client.getdel(full_key) if delete else client.get(full_key)
    if not isinstance(raw, bytes):
        return None
    # Django stores int values as digits and pickles everything else.
    return _inert_loads(io.BytesIO(raw))
