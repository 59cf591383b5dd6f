"""The process's long-poll connections, found by the signed token their client holds.

A token is a random id, signed with Django's signing under its own salt: a
forged or altered token names no connection, and an id alone (leaked in a
log, say) is not a token. Connections live in this process's memory, so a
token is only good on the process that issued it (docs/longpoll.md: sticky
sessions).
"""

from __future__ import annotations

import asyncio
import secrets

from django.core import signing

from tether.longpoll.connection import LongPollConnection
from tether.types import Scope

TOKEN_SALT = "tether.longpoll"
SHUTDOWN_TIMEOUT = 5.0


class Hub:
    def __init__(self) -> None:
        self.connections: dict[str, LongPollConnection] = {}

    def open(self, scope: Scope) -> tuple[LongPollConnection, str]:
        """A new connection, and the token its client sends back with every request."""
        id = secrets.token_urlsafe(18)
        connection = LongPollConnection(id, scope, self._forget)
        self.connections[id] = connection
        return connection, signing.Signer(salt=TOKEN_SALT).sign(id)

    def find(self, token: str | None) -> LongPollConnection | None:
        if not token:
            return None
        try:
            id = signing.Signer(salt=TOKEN_SALT).unsign(token)
        except signing.BadSignature:
            return None
        connection = self.connections.get(id)
        return None if connection is None or connection.closed else connection

    def _forget(self, connection: LongPollConnection) -> None:
        if self.connections.get(connection.id) is connection:
            del self.connections[connection.id]

    async def close(self) -> None:
        """Server shutdown: close every connection and wait until its views are frozen."""
        connections = list(self.connections.values())
        for connection in connections:
            connection.close()
        try:
            async with asyncio.timeout(SHUTDOWN_TIMEOUT):
                await asyncio.gather(
                    *(c.wait_closed() for c in connections), return_exceptions=True
                )
        except TimeoutError:
            pass


hub = Hub()
