"""Tether's pytest plugin (entry point ``pytest11``): fixtures for live view tests.

``live_client`` is a browser-less client for the project's ASGI app, in-process.
Tests that touch the database need ``@pytest.mark.django_db(transaction=True)``,
because plain ``def`` handlers run in worker threads with their own connections.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

import pytest_asyncio

if TYPE_CHECKING:
    from tether.testing.client import LiveClient


async def _reset_process_state() -> None:
    """Each test runs on its own event loop: drop the loop-bound singletons."""
    from tether.presence import get_presence, reset_presence
    from tether.pubsub import get_pubsub, reset_pubsub

    await get_presence().close()
    await get_pubsub().close()
    reset_presence()
    reset_pubsub()


@pytest_asyncio.fixture
async def live_client() -> AsyncIterator[LiveClient]:
    from tether.testing.client import LiveClient

    async with LiveClient() as client:
        yield client
    await _reset_process_state()


@pytest_asyncio.fixture
async def live_client_factory() -> AsyncIterator[Callable[[], Awaitable[LiveClient]]]:
    """Several independent browsers in one test (chat rooms, presence)."""
    from tether.testing.client import LiveClient

    clients: list[LiveClient] = []

    async def make() -> LiveClient:
        client = LiveClient()
        clients.append(client)
        return await client.__aenter__()

    yield make
    for client in clients:
        await client.close()
    await _reset_process_state()
