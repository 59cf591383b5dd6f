"""A live session's inbox: bounded, and fair to the view that owns it.

What the client sends (joins, events, patches) and what the server sends the
view (``handle_info`` messages from timers, ``send`` and pub/sub; load
results) wait here in arrival order. The two are bounded differently,
because they are paid for by different people:

- a client that sends more than ``limit`` items before its view catches up
  is flooding: ``put`` says so and the socket is closed (its own socket);
- messages from the server are other people's doing (three guests typing
  into a chat room send every member a message per keystroke), so they never
  close the receiver: past ``limit`` the oldest pending message is dropped
  and counted, and a slow view skips ahead instead of falling behind forever.

Load results are never dropped: there is at most one per running load.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from tether.protocol import Mailbox

logger = logging.getLogger("tether.inbox")

Item = tuple[Mailbox, str | None, Any]

_FROM_CLIENT = frozenset({Mailbox.JOIN, Mailbox.EVENT, Mailbox.PATCH, Mailbox.CIDS})


class Inbox:
    __slots__ = ("_items", "_messages", "dropped", "limit", "name")

    def __init__(self, limit: int, name: str) -> None:
        self.limit = limit
        self.name = name  # the topic, for logs
        # Allocated while something waits: an idle page holds no deque.
        self._items: deque[Item] | None = None
        self._messages = 0  # pending INFO items
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._items) if self._items is not None else 0

    def put(self, item: Item) -> bool:
        """Queue ``item``; False when the client is flooding (nothing was queued)."""
        items = self._items
        if items is None:
            items = self._items = deque()
        kind = item[0]
        if kind in _FROM_CLIENT:
            if len(items) - self._messages >= self.limit:
                return False
        elif kind is Mailbox.INFO:
            if self._messages >= self.limit:
                self._drop_oldest_message(items)
                if self.dropped & (self.dropped - 1) == 0:  # 1, 2, 4, 8...: not a log flood
                    logger.warning(
                        "%s cannot keep up: %d messages dropped", self.name, self.dropped
                    )
            self._messages += 1
        items.append(item)
        return True

    def take(self) -> Item | None:
        items = self._items
        if not items:
            self._items = None
            return None
        item = items.popleft()
        if item[0] is Mailbox.INFO:
            self._messages -= 1
        if not items:
            self._items = None
        return item

    def clear(self) -> None:
        self._items = None
        self._messages = 0

    def _drop_oldest_message(self, items: deque[Item]) -> None:
        for index, item in enumerate(items):
            if item[0] is Mailbox.INFO:
                del items[index]
                self._messages -= 1
                self.dropped += 1
                return
