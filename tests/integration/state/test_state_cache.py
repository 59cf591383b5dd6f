"""CacheStateStore on Django's real cache backends.

Django unpickles whatever a cache entry holds on ``get``; the store must
never let it, or whoever can write the cache runs code in Tether's process.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
import uuid
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from tether.errors import ConfigurationError
from tether.state.cache import CacheStateStore

REDIS_URL = os.environ.get("TETHER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
KEY = "tether:state:phx-victim"

ran: list[str] = []


def _record(what: str) -> None:
    ran.append(what)


class Exploit:
    """What an attacker writes: loading its pickle calls ``_record``."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_record, ("attacker code ran",))


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    ran.clear()
    yield
    ran.clear()


def file_cache(tmp_path: Any) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "cache"),
    }


def redis_cache(tmp_path: Any) -> dict[str, Any]:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1) as client:
            client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is unreachable at {REDIS_URL} ({exc})")
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }


@pytest.fixture(params=[file_cache, pytest.param(redis_cache, marks=pytest.mark.redis)])
def store(request: pytest.FixtureRequest, settings: Any, tmp_path: Any) -> Iterator[Any]:
    config = request.param(tmp_path)
    settings.CACHES = {**settings.CACHES, "frozen": config}
    yield CacheStateStore(alias="frozen", ttl=60)
    if "KEY_PREFIX" in config:  # only this test's keys: other tests share this Redis
        with redis.Redis.from_url(REDIS_URL) as client:
            keys = list(client.scan_iter(match=config["KEY_PREFIX"] + "*"))
            if keys:
                client.delete(*keys)


async def test_cache_store_never_unpickles_an_unsigned_value(
    store: CacheStateStore, caplog: pytest.LogCaptureFixture
) -> None:
    # Whoever can write the cache plants a pickle under a frozen view's key.
    caches["frozen"].set(KEY, Exploit(), timeout=60)
    with caplog.at_level(logging.WARNING, logger="tether.state"):
        assert await store.get("phx-victim") is None
        assert await store.take("phx-victim") is None
    assert ran == []
    assert "ignored the cache entry" in caplog.text
    assert "refused" in caplog.text


def plant_in_expiry_header(cache: Any, key: str) -> str:
    """Overwrite ``key``'s cache file so its expiry header is the attacker's pickle."""
    cache.set(key, b"placeholder", timeout=60)
    path: str = cache._key_to_file(key)
    with open(path, "wb") as file:
        file.write(pickle.dumps(Exploit()) + zlib.compress(pickle.dumps(b"blob")))
    return path


def present(path: str) -> bool:
    return os.path.exists(path)


async def test_a_pickle_in_the_file_caches_expiry_header_never_runs(
    settings: Any, tmp_path: Any
) -> None:
    settings.CACHES = {**settings.CACHES, "frozen": file_cache(tmp_path)}
    store = CacheStateStore(alias="frozen", ttl=60)
    path = plant_in_expiry_header(caches["frozen"], KEY)
    assert await store.take("phx-victim") is None
    assert ran == []
    assert not present(path)  # taken: a planted entry is not left for Django to load


def write_raw(cache: Any, key: str, data: bytes) -> None:
    """Replace the stored bytes of ``key`` as someone writing the medium directly would."""
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        with redis.Redis.from_url(REDIS_URL) as client:
            client.set(full_key, data, ex=60)
    else:
        cache.set(key, b"placeholder", timeout=60)
        with open(cache._key_to_file(key), "wb") as file:
            file.write(data)


@pytest.mark.parametrize("data", [b"", b"not a pickle", pickle.dumps(1.0)[:-1], b"12345"])
async def test_garbage_in_a_cache_entry_is_ignored(store: CacheStateStore, data: bytes) -> None:
    write_raw(store.cache, KEY, data)
    assert await store.take("phx-victim") is None


async def test_put_get_take(store: CacheStateStore) -> None:
    assert await store.take("phx-a") is None
    await store.put("phx-a", b"signed blob")
    assert await store.get("phx-a") == b"signed blob"
    assert await store.take("phx-a") == b"signed blob"
    assert await store.take("phx-a") is None  # a frozen state thaws once
    await store.put("phx-b", b"other")
    await store.delete("phx-b")
    assert await store.get("phx-b") is None


async def test_an_expired_file_entry_is_gone(settings: Any, tmp_path: Any, monkeypatch) -> None:
    settings.CACHES = {**settings.CACHES, "frozen": file_cache(tmp_path)}
    store = CacheStateStore(alias="frozen", ttl=60)
    await store.put("phx-a", b"blob")
    later = time.time() + 120
    monkeypatch.setattr(time, "time", lambda: later)
    assert await store.take("phx-a") is None


def test_in_process_caches_are_accepted(settings: Any) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "frozen": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    assert CacheStateStore(alias="frozen").alias == "frozen"


def test_a_cache_read_only_through_django_get_is_refused(settings: Any) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "frozen": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"},
    }
    with pytest.raises(ConfigurationError, match="unpickle a frozen state"):
        CacheStateStore(alias="frozen")


async def test_a_batch_of_frozen_states_is_stored_whole_and_thaws_once_each(
    store: CacheStateStore,
) -> None:
    # A deploy writes every open page's state in batches (put_many).
    states = {f"phx-{n}": f"signed blob {n}".encode() for n in range(300)}
    await store.put_many(list(states.items()))
    for element_id, blob in states.items():
        assert await store.take(element_id) == blob
        assert await store.take(element_id) is None


async def test_a_batch_in_a_full_file_cache_still_culls_as_django_does(
    settings: Any, tmp_path: Any
) -> None:
    # The batch culls once instead of once per entry, but a full cache is still culled.
    config = {**file_cache(tmp_path), "OPTIONS": {"MAX_ENTRIES": 50, "CULL_FREQUENCY": 2}}
    settings.CACHES = {**settings.CACHES, "frozen": config}
    store = CacheStateStore(alias="frozen", ttl=60)
    await store.put_many([(f"phx-{n}", b"blob") for n in range(60)])
    directory = tmp_path / "cache"
    assert len(list(directory.glob("*.djcache"))) == 60  # not full when the batch began
    await store.put_many([("phx-next", b"next")])
    assert len(list(directory.glob("*.djcache"))) == 60 - 30 + 1
    assert await store.take("phx-next") == b"next"
