"""Tether's pytest plugin (entry point ``pytest11``): fixtures for live view tests.

``live_client`` is a browser-less client for the project's ASGI app, in-process.
It connects over the transport ``tether_transport`` names: the WebSocket, or
long poll with ``pytest --tether-transport=longpoll`` (or by overriding or
parametrizing the ``tether_transport`` fixture), so any test runs over both.
Tests that touch the database need ``@pytest.mark.django_db(transaction=True)``,
because plain ``def`` handlers run in worker threads with their own connections.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from tether.testing.transport import TRANSPORTS, WEBSOCKET

if TYPE_CHECKING:
    from tether.testing.client import LiveClient


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tether-transport",
        default=WEBSOCKET,
        choices=TRANSPORTS,
        help="what tether.testing's live_client connects over (default: websocket)",
    )


@pytest.fixture
def tether_transport(request: pytest.FixtureRequest) -> str:
    """``websocket`` or ``longpoll``: parametrize it (indirectly) to run a test over both."""
    param = getattr(request, "param", None)
    return str(param or request.config.getoption("--tether-transport"))


async def _reset_process_state() -> None:
    """Each test runs on its own event loop: drop the loop-bound singletons."""
    from tether.longpoll.hub import hub
    from tether.presence import get_presence, reset_presence
    from tether.pubsub import get_pubsub, reset_pubsub

    # A long-poll connection a test left open has no task that would die with the loop.
    await hub.close()
    await get_presence().close()
    await get_pubsub().close()
    reset_presence()
    reset_pubsub()


@pytest_asyncio.fixture
async def live_client(tether_transport: str) -> AsyncIterator[LiveClient]:
    from tether.testing.client import LiveClient

    async with LiveClient(transport=tether_transport) as client:
        yield client
    await _reset_process_state()


@pytest_asyncio.fixture
async def live_client_factory(
    tether_transport: str,
) -> AsyncIterator[Callable[..., Awaitable[LiveClient]]]:
    """Several independent browsers in one test (chat rooms, presence); ``make(transport=...)``
    mixes them (one browser on long poll, another on a WebSocket)."""
    from tether.testing.client import LiveClient

    clients: list[LiveClient] = []

    async def make(transport: str | None = None) -> LiveClient:
        client = LiveClient(transport=transport or tether_transport)
        clients.append(client)
        return await client.__aenter__()

    yield make
    for client in clients:
        await client.close()
    await _reset_process_state()
