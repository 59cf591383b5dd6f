"""Waiting for a live page to change: pushed diffs, async loads, broadcasts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tether.errors import LiveTestError


class Waiting:
    """The waits of ``LiveViewTest``, which provides these attributes."""

    _crashed: BaseException | None
    _changed: asyncio.Event

    def has_element(self, selector: str, text: str | None = None) -> bool:
        raise NotImplementedError

    def html(self) -> str:
        raise NotImplementedError

    async def wait_for(self, predicate: Callable[[Any], bool], timeout: float = 5.0) -> None:
        """Wait until pushed diffs make ``predicate(view)`` true (async loads, broadcasts)."""
        async with asyncio.timeout(timeout):
            while not predicate(self):
                if self._crashed is not None:
                    raise self._crashed
                self._changed.clear()
                await self._changed.wait()

    async def wait_for_element(
        self, selector: str, text: str | None = None, timeout: float = 5.0
    ) -> None:
        try:
            await self.wait_for(lambda v: v.has_element(selector, text), timeout)
        except TimeoutError:
            raise LiveTestError(
                f"{selector!r} (text={text!r}) did not appear within {timeout}s in:\n{self.html()}"
            ) from None
