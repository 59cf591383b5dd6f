"""Phoenix LiveView issue 3656: ``phx-click-loading`` leaves a link inside a sticky view.

The sticky view's link navigates to the page itself; while the navigation runs
the link carries ``phx-click-loading``, and once it is done, it no longer does.
"""

from __future__ import annotations

from typing import Any

from conformance.lv import sync_views
from tether.testing import ServerProcess

# Records every class change of the sticky view's links, from now on.
WATCH = """() => {
  window.__classChanges = [];
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      window.__classChanges.push({oldValue: r.oldValue, newValue: r.target.getAttribute('class')});
    }
  });
  document.querySelectorAll('nav a').forEach((el) => observer.observe(el, {
    attributes: true, attributeFilter: ['class'], attributeOldValue: true,
  }));
}"""


def test_phx_click_loading_is_removed_from_links_in_sticky_live_views(
    page: Any, demo_server: ServerProcess
) -> None:
    page.goto(demo_server.url + "/nested/lab/3656/")
    sync_views(page)
    page.evaluate(WATCH)
    link = page.get_by_role("link", name="Link 1")
    link.click()
    page.wait_for_function("document.querySelector('#navigated').textContent === 'true'")
    sync_views(page)
    page.wait_for_function(
        "!document.querySelector('nav a').classList.contains('phx-click-loading')"
    )
    changes = page.evaluate("window.__classChanges")
    assert {"oldValue": None, "newValue": "phx-click-loading"} in changes, changes
    assert {"oldValue": "phx-click-loading", "newValue": ""} in changes, changes
