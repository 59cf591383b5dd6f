"""In-process pub/sub: the default, and what tests use."""

from __future__ import annotations

from tether.pubsub.base import Message, PubSub


class MemoryPubSub(PubSub):
    """Delivers within this process only; every transport hook is a no-op."""

    def __init__(self, *, node_id: str | None = None) -> None:
        super().__init__(node_id=node_id)

    async def _start(self) -> None:
        pass

    async def _close(self) -> None:
        pass

    async def _publish(self, message: Message) -> None:
        pass

    async def _topic_added(self, topic: str) -> None:
        pass

    async def _topic_ready(self, topic: str) -> None:
        pass

    async def _topic_removed(self, topic: str) -> None:
        pass
