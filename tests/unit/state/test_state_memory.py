from __future__ import annotations

import time
from unittest.mock import patch

from tether.state.memory import MemoryStateStore

# Patches of time.monotonic wrap awaits that never suspend, so the loop never sees them.


async def test_put_get_delete() -> None:
    store = MemoryStateStore()
    assert await store.get("phx-a") is None
    await store.put("phx-a", b"blob")
    assert await store.get("phx-a") == b"blob"
    assert await store.get("phx-a") == b"blob"  # get does not consume
    await store.delete("phx-a")
    assert await store.get("phx-a") is None
    await store.delete("phx-a")  # deleting twice is fine


async def test_put_replaces() -> None:
    store = MemoryStateStore()
    await store.put("phx-a", b"one")
    await store.put("phx-a", b"two")
    assert await store.get("phx-a") == b"two"


async def test_take_is_once() -> None:
    store = MemoryStateStore()
    await store.put("phx-a", b"blob")
    await store.put("phx-b", b"other")
    assert await store.take("phx-a") == b"blob"
    assert await store.take("phx-a") is None
    assert await store.get("phx-b") == b"other"


async def test_keys_are_prefixed() -> None:
    store = MemoryStateStore(prefix="p:")
    await store.put("phx-a", b"blob")
    assert list(store._data) == ["p:phx-a"]
    assert store.key("phx-a") == "p:phx-a"


async def test_entries_expire_after_ttl() -> None:
    store = MemoryStateStore(ttl=10)
    now = time.monotonic()
    with patch("time.monotonic", return_value=now):
        await store.put("phx-a", b"blob")
    with patch("time.monotonic", return_value=now + 9.9):
        assert await store.get("phx-a") == b"blob"
    with patch("time.monotonic", return_value=now + 10):
        assert await store.get("phx-a") is None
        assert await store.take("phx-a") is None


async def test_expired_entries_are_swept_every_256_puts() -> None:
    store = MemoryStateStore(ttl=10)
    now = time.monotonic()
    with patch("time.monotonic", return_value=now):
        await store.put("phx-old", b"blob")
    with patch("time.monotonic", return_value=now + 11):
        for i in range(255):
            await store.put(f"phx-{i}", b"x")
        assert store.key("phx-old") in store._data  # expired, not yet swept
        await store.put("phx-last", b"x")
    assert store.key("phx-old") not in store._data
    assert len(store._data) == 256


async def test_close_is_harmless() -> None:
    store = MemoryStateStore()
    await store.put("phx-a", b"blob")
    await store.close()
    assert await store.get("phx-a") == b"blob"
