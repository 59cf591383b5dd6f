"""Presence picks its store from the pub/sub backend, or from TETHER["PRESENCE"]["BACKEND"]."""

from __future__ import annotations

import pytest

from tether.errors import ConfigurationError
from tether.presence import MemoryPresenceStore, Presence, build_store
from tether.presence.redis import RedisPresenceStore
from tether.pubsub import MemoryPubSub
from tether.pubsub.redis import RedisPubSub


def test_the_store_follows_the_pubsub_backend() -> None:
    memory = MemoryPubSub()
    redis = RedisPubSub("redis://127.0.0.1:6379/0", secret="s")  # not started: no connection
    assert isinstance(Presence(memory).store, MemoryPresenceStore)
    store = Presence(redis, heartbeat_interval=0.5, heartbeat_ttl=2.0).store
    assert isinstance(store, RedisPresenceStore)
    assert store.pubsub is redis
    assert (store.heartbeat_interval, store.heartbeat_ttl) == (0.5, 2.0)


def test_a_backend_setting_overrides_the_default() -> None:
    redis = RedisPubSub("redis://127.0.0.1:6379/0", secret="s")
    conf = {"BACKEND": "tether.presence.memory.MemoryPresenceStore", "OPTIONS": {}}
    assert isinstance(build_store(redis, conf), MemoryPresenceStore)


def test_broadcast_period_is_presences_own_option_not_the_stores() -> None:
    conf = {"OPTIONS": {"BROADCAST_PERIOD": 0.1, "HEARTBEAT_INTERVAL": 1, "HEARTBEAT_TTL": 4}}
    store = build_store(MemoryPubSub(), conf)
    assert store.heartbeat_ttl == 4


@pytest.mark.parametrize(
    ("backend", "message"),
    [
        ("tether.presence.redis.RedisPresenceStore", "needs the RedisPubSub backend"),
        ("nowhere.Store", "cannot be imported"),
    ],
)
def test_an_unusable_backend_is_a_configuration_error(backend: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        build_store(MemoryPubSub(), {"BACKEND": backend})
