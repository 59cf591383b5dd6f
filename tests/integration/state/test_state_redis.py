"""RedisStateStore against a real Redis: a batch of frozen states in one pipeline."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis

from tether.state.redis import RedisStateStore

pytestmark = pytest.mark.redis
REDIS_URL = os.environ.get("TETHER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def store() -> AsyncIterator[RedisStateStore]:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1) as client:
            client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is unreachable at {REDIS_URL} ({exc})")
    prefix = f"test-{uuid.uuid4().hex[:8]}:state:"  # other tests share this Redis
    store = RedisStateStore(url=REDIS_URL, ttl=60, prefix=prefix)
    yield store
    keys = [key async for key in store.redis.scan_iter(match=prefix + "*")]
    if keys:
        await store.redis.delete(*keys)
    await store.close()


async def test_a_batch_of_frozen_states_is_stored_whole_with_its_ttl(
    store: RedisStateStore,
) -> None:
    states = {f"phx-{n}": f"signed blob {n}".encode() for n in range(300)}
    await store.put_many(list(states.items()))
    assert 0 < await store.redis.pttl(store.key("phx-0")) <= 60_000  # expires as put() would
    for element_id, blob in states.items():
        assert await store.take(element_id) == blob
        assert await store.take(element_id) is None
