"""Views that fail on purpose: Phoenix's errors scenario (what the client does next).

``/errors/`` takes what should fail from its query: ``dead-mount=raise`` (the
HTTP render), ``connected-mount=raise`` (every join), ``child`` (a child view),
``child-mount-raise=N&key=K`` (the child's first N joins under key K fail).
Each view shows when it last rendered, so a test can tell a remount from a
patch (tests/conformance/test_errors_spec.py).
"""

from __future__ import annotations

import itertools
from typing import Any

from django.http import HttpRequest

from tether import LiveView, event

_renders = itertools.count(1)
# Failed connected mounts so far per test key: the count must outlive the views.
child_failures: dict[str, int] = {}


class ErrorsPage(LiveView):
    template_name = "pages/tpl/errors.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        params = request.GET
        if params.get("dead-mount") == "raise" and not self.connected:
            raise RuntimeError("the dead mount failed (on purpose)")
        if params.get("connected-mount") == "raise" and self.connected:
            raise RuntimeError("the connected mount failed (on purpose)")
        self.page_title = "Errors"
        self.render_mark = next(_renders)
        self.with_child = "child" in params or "child-mount-raise" in params
        self.child_session = {
            "fail": int(params.get("child-mount-raise", "0") or 0),
            "key": params.get("key", ""),
        }

    @event
    async def crash_main(self) -> None:
        raise RuntimeError("the main view crashed (on purpose)")


class ErrorsChild(LiveView):
    template_name = "pages/tpl/errors_child.html"

    async def mount(
        self, request: HttpRequest, fail: int = 0, key: str = "", **kwargs: Any
    ) -> None:
        if self.connected and child_failures.get(key, 0) < fail:
            child_failures[key] = child_failures.get(key, 0) + 1
            raise RuntimeError(f"the child's join {child_failures[key]} failed (on purpose)")
        self.render_mark = next(_renders)
        self.failed_joins = child_failures.get(key, 0)

    @event
    async def crash_child(self) -> None:
        raise RuntimeError("the child view crashed (on purpose)")
