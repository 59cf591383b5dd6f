"""The process's long-poll connections, found by the signed token their client holds.

A token is a random id, signed with Django's signing under its own salt: a
forged or altered token names no connection, and an id alone (leaked in a
log, say) is not a token. Connections live in this process's memory, so a
token is only good on the process that issued it (docs/longpoll.md: sticky
sessions); one that turns up elsewhere is handed over (``handover.py``).
"""

from __future__ import annotations

import asyncio
import secrets

from django.core import signing

from tether.longpoll.connection import LongPollConnection
from tether.longpoll.handover import Handover
from tether.types import Scope

TOKEN_SALT = "tether.longpoll"
SHUTDOWN_TIMEOUT = 5.0


class Hub:
    def __init__(self) -> None:
        # Ids start with this process's own mark: a token of ours that names no
        # connection needs no asking around.
        self.node = secrets.token_urlsafe(6)
        self.connections: dict[str, LongPollConnection] = {}
        self.handover = Handover(self.connections.get)

    async def open(self, scope: Scope) -> tuple[LongPollConnection, str]:
        """A new connection, and the token its client sends back with every request."""
        await self.handover.listen()
        id = f"{self.node}.{secrets.token_urlsafe(18)}"
        connection = LongPollConnection(id, scope, self._forget)
        self.connections[id] = connection
        return connection, signing.Signer(salt=TOKEN_SALT).sign(id)

    def find(self, token: str | None) -> LongPollConnection | None:
        id = self.verify(token)
        connection = self.connections.get(id) if id is not None else None
        return None if connection is None or connection.closed else connection

    def verify(self, token: str | None) -> str | None:
        """The connection id a token names, if this deployment signed it."""
        if not token:
            return None
        try:
            return signing.Signer(salt=TOKEN_SALT).unsign(token)
        except signing.BadSignature:
            return None

    async def release(self, token: str) -> None:
        """A token that names no open connection here: see that its views are frozen
        before the client rejoins. Ours, closing: wait for it. Another's: hand it over."""
        id = self.verify(token)
        if id is None:
            return
        closing = self.connections.get(id)
        if closing is not None:
            await closing.wait_closed()
        elif id.partition(".")[0] != self.node:
            await self.handover.ask(id)

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
        await self.handover.close()


hub = Hub()
