from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import redis
import redis.asyncio as aioredis

REDIS_URL = os.environ.get("TETHER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "test-secret"  # also hardcoded by the tests that sign frames themselves


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1) as client:
            client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is unreachable at {REDIS_URL} ({exc}); start redis-server to run this")
    return REDIS_URL


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A fresh channel/key namespace per test, deleted afterwards."""
    value = f"test-{uuid.uuid4().hex[:8]}:"
    yield value
    with redis.Redis.from_url(redis_url) as client:
        keys = list(client.scan_iter(match=value + "*"))
        if keys:
            client.delete(*keys)


def free_port() -> int:
    for port in range(6390, 6490):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 6390-6489")


class OwnRedis:
    """A redis-server this test starts and kills by PID (never the shared one)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            "redis-server",
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--logfile", "",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        client = aioredis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        try:
            for _ in range(250):
                with contextlib.suppress(redis.RedisError):
                    if await client.ping():
                        return
                await asyncio.sleep(0.02)
            raise RuntimeError(f"redis-server did not start on port {self.port}")
        finally:
            await client.aclose()

    async def kill(self) -> None:
        """SIGKILL, by the PID we started."""
        if self.proc is not None and self.proc.returncode is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            await self.proc.wait()
        self.proc = None


@pytest.fixture
async def own_redis() -> AsyncIterator[OwnRedis]:
    server = OwnRedis(free_port())
    await server.start()
    yield server
    await server.kill()
