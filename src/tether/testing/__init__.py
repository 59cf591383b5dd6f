"""Testing live views.

``LiveClient`` drives live views in-process through the real protocol, with no
browser; ``ServerProcess`` runs a project under uvicorn for end-to-end tests.
"""

from tether.errors import LiveTestError, SocketClosed, ViewCrashed
from tether.testing.navigation import LIVE_NAVIGATION, PAGE_LOAD
from tether.testing.server import ServerProcess

__all__ = [
    "LIVE_NAVIGATION",
    "PAGE_LOAD",
    "LiveClient",
    "LiveTestError",
    "LiveViewTest",
    "ServerProcess",
    "SocketClosed",
    "ViewCrashed",
]


def __getattr__(name: str) -> object:
    # The client needs Django settings and BeautifulSoup; import it on first use.
    if name in ("LiveClient", "LiveViewTest"):
        from tether.testing import client

        return getattr(client, name)
    raise AttributeError(name)
