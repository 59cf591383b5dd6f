"""The dead render as the browser's client reads it before it joins.

The live container carries the session and static tokens, a ``<meta>`` tag
the CSRF token, and ``phx-track-static`` elements the asset URLs the join
reports (resolved against the page, as ``node.src`` / ``node.href`` are).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from tether import protocol
from tether.errors import LiveTestError


@dataclass
class DeadPage:
    url: str
    element_id: str
    session: str
    static: str
    csrf: str
    title: str
    tracked_static: list[str] = field(default_factory=list)
    #: The static token of each child view's container in the dead page, by id: the
    #: browser's first join of a child sends it (``testing/children.py``).
    statics: dict[str, str] = field(default_factory=dict)


def parse_dead(url: str, html: str) -> DeadPage:
    soup = BeautifulSoup(html, "html.parser")
    main = soup.select_one(f"[{protocol.ATTR_MAIN}]")
    meta = soup.select_one(f'meta[name="{protocol.CSRF_META_NAME}"]')
    if not isinstance(main, Tag) or not isinstance(meta, Tag):
        raise LiveTestError(f"{url} is not a live page (no live container or CSRF meta tag)")
    tracked = []
    for node in soup.select(f"[{protocol.ATTR_TRACK_STATIC}]"):
        link = node.get("src") or node.get("href")
        if isinstance(link, str):
            tracked.append(urljoin(url, link))
    return DeadPage(
        url=url,
        element_id=str(main["id"]),
        session=str(main[protocol.ATTR_SESSION]),
        static=str(main.get(protocol.ATTR_STATIC, "")),
        csrf=str(meta["content"]),
        title=soup.title.get_text() if soup.title else "",
        tracked_static=tracked,
        statics={
            str(node["id"]): str(node[protocol.ATTR_STATIC])
            for node in soup.select(f"[{protocol.ATTR_STATIC}][id]")
            if node is not main and node.get(protocol.ATTR_STATIC)
        },
    )
