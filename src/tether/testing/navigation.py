"""Live navigation as the browser follows it, and its fallback to a page load.

The browser follows a ``navigate`` link, a ``push_navigate`` or a
``live_redirect`` without loading a page: the page's view leaves its
channel, and a new root view joins the same element over the same socket,
with ``redirect: <url>`` and the page's own tokens. When the server answers
that join with a redirect (a page of another live session, a URL guarded by
a decorator or middleware, an ``on_mount`` hook that halted), the browser
loads the URL over HTTP instead: a new page and a new socket.

``navigate`` does the same and says which one happened: the view it returns
has ``arrival`` set to ``LIVE_NAVIGATION`` or ``PAGE_LOAD``, so a test can
pin that a navigation stayed live, or that it could not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Self
from urllib.parse import urljoin

from tether import protocol
from tether.errors import LiveTestError

if TYPE_CHECKING:
    from tether.testing.channel import Channel
    from tether.testing.page import DeadPage

# How a page a test holds arrived.
LIVE_NAVIGATION: Final = "live navigation"
PAGE_LOAD: Final = "page load"


class Navigating:
    """Live navigation of ``LiveViewTest``, which provides these attributes."""

    client: Any
    page: DeadPage
    url: str
    closed: bool
    arrival: str
    redirected_to: str | None
    sent: list[str]
    _channel: Channel | None
    _transport: Any
    _join_flash: str | None

    async def join(self, url: str, *, redirect: bool = False) -> None:
        raise NotImplementedError

    async def follow_redirect(self) -> Any:
        raise NotImplementedError

    async def _request(self, event: str, payload: Any, *, timeout: float = 10.0) -> Any:
        raise NotImplementedError

    def _on_frame(self, event: str, payload: Any, raw: str, answers: bool) -> None:
        raise NotImplementedError

    def _on_close(self, message: Any) -> None:
        raise NotImplementedError

    async def navigate(self, path: str, *, flash: str | None = None) -> Self:
        """Navigate live to ``path``, as a ``navigate`` link does: this view leaves
        (it is closed afterwards) and the returned one holds the page. If the server
        refuses the live navigation, the URL is loaded over HTTP, redirects followed,
        and the returned view's ``arrival`` is ``PAGE_LOAD``; a landing page that is
        not live raises ``LiveTestError``, naming it."""
        channel = self._channel
        if self.closed or channel is None:
            raise LiveTestError("navigate() from a view that is closed")
        url = urljoin(self.url or self.page.url, path)
        await self._request(protocol.PHX_LEAVE, {})
        self.closed = True
        following = type(self)(client=self.client, page=self.page, _join_flash=flash)  # type: ignore[call-arg]
        # The new root view takes over the old one's channel on the same socket.
        following._transport, following._channel = self._transport, channel
        channel.on_frame, channel.on_close = following._on_frame, following._on_close
        channel.sent = following.sent
        self.client.views.append(following)
        await following.join(url, redirect=True)
        if following.redirected_to is None:
            following.arrival = LIVE_NAVIGATION
            return following
        try:
            loaded: Self = await following.follow_redirect()
        except LiveTestError as exc:
            raise LiveTestError(
                f"live navigation to {url} was refused and fell back to a page load of"
                f" {following.redirected_to}: {exc}"
            ) from None
        return loaded
