"""Components: the frame after one click in one of 100 components, beside a page without.

Run by the suite in a child process of its own (a clean heap, the demo's
settings): ``python -m bench.components``, which prints one JSON object.

- ``click``: the exact reply frame after a click in one of 100 live
  components rendered by one ``{% for %}`` (a like button: one count
  changes), beside the frame the same change costs on a page whose 100 rows
  are plain markup in a keyed loop, and the two join replies (the components
  share their statics: the first carries them, the 99 others name it).
- ``memory``: bytes held per open page (view, renderer's tree, components),
  traced by ``tracemalloc`` over 20 pages, for both pages.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

from bench import servers

COUNT = 100
PAGES = 20
TOPIC = "lv:phx-GqcS8PO4PSd9oBbM"  # the length of a real element id
ROW = (
    '<li id="row-{{ n }}"><span class="title">Item {{ n }}</span> '
    '<button phx-click="like" phx-target="{{ myself }}">&hearts; {{ likes }}</button></li>'
)
PLAIN_ROW = ROW.replace("{{ n }}", "{{ row.n }}").replace("{{ likes }}", "{{ row.likes }}")
PLAIN_ROW = PLAIN_ROW.replace('phx-target="{{ myself }}"', 'phx-value-n="{{ row.n }}"')
TEMPLATES = {
    "bench/row.html": ROW,
    "bench/with_components.html": (
        "{% load tether %}<ul>{% for n in rows %}"
        "{% live_component row_class id=n n=n %}{% endfor %}</ul>"
    ),
    "bench/without_components.html": "<ul>{% for row in rows %}" + PLAIN_ROW + "{% endfor %}</ul>",
}


def _classes() -> tuple[Any, Any, Any]:
    from tether import LiveComponent, LiveView, event

    class LikeRow(LiveComponent):
        template_name = "bench/row.html"

        def mount(self) -> None:
            self.likes = 0

        @event
        def like(self) -> None:
            self.likes += 1

    class WithComponents(LiveView):
        template_name = "bench/with_components.html"

        async def mount(self, request: Any, **kwargs: Any) -> None:
            self.row_class = LikeRow  # a class in the context works as well as a dotted path
            self.rows = list(range(COUNT))

    class WithoutComponents(LiveView):
        template_name = "bench/without_components.html"

        async def mount(self, request: Any, **kwargs: Any) -> None:
            self.rows = [{"n": n, "likes": 0} for n in range(COUNT)]

    return LikeRow, WithComponents, WithoutComponents


async def _open(view_cls: Any) -> tuple[Any, Any, dict[str, Any]]:
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from tether.rendering import ViewRenderer

    request = RequestFactory().get("/bench/")
    request.user = AnonymousUser()
    view = view_cls()
    view.request = request
    await view.mount(request)
    view.pop_changed()
    renderer = ViewRenderer(view_cls, request)
    join = await renderer.join(view, title=None, events=())
    return view, renderer, join


def _frame(wire: dict[str, Any], key: str) -> str:
    from tether import protocol

    return protocol.reply("4", "17", TOPIC, protocol.STATUS_OK, {key: wire})


async def click() -> dict[str, Any]:
    from tether.component_set import components_of

    _row, with_cls, without_cls = _classes()
    view, renderer, join = await _open(with_cls)
    components = components_of(view)
    assert components is not None
    component = components.entries[COUNT // 2].component
    await component.handle_event("like", {})
    with_frame = _frame(await renderer.update(view, view.pop_changed()), "diff")

    plain, plain_renderer, plain_join = await _open(without_cls)
    plain.rows[COUNT // 2 - 1]["likes"] += 1
    plain.mark_changed("rows")
    without_frame = _frame(await plain_renderer.update(plain, plain.pop_changed()), "diff")
    return {
        "components": COUNT,
        "with_bytes": len(with_frame.encode()),
        "with_frame": with_frame,
        "without_bytes": len(without_frame.encode()),
        "without_frame": without_frame,
        "with_join_bytes": len(_frame(join, "rendered").encode()),
        "without_join_bytes": len(_frame(plain_join, "rendered").encode()),
    }


async def _per_page(view_cls: Any) -> float:
    await _open(view_cls)  # warm: templates compiled
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    pages = [await _open(view_cls) for _ in range(PAGES)]
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    del pages
    return held / PAGES


async def memory() -> dict[str, Any]:
    _row, with_cls, without_cls = _classes()
    tracemalloc.start()
    try:
        return {
            "pages": PAGES,
            "with_bytes": await _per_page(with_cls),
            "without_bytes": await _per_page(without_cls),
        }
    finally:
        tracemalloc.stop()


GOALS = {"click": "only that component's values"}


def measure(root: Path) -> dict[str, Any]:
    """Run this module in a child process with the demo's settings."""
    return servers.run_step("bench.components", root=root)


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The table's rows for the component figures."""
    found = figures.get("components")
    if not found:
        return [("wire: click in 1 of 100 components", "n/a", GOALS["click"], "not run")]
    click, held = found["click"], found["memory"]
    kib = lambda n: f"{n / 1024:.1f} KiB"  # noqa: E731
    return [
        (
            f"wire: click in 1 of {click['components']} components",
            f"{click['with_bytes']} B",
            GOALS["click"],
            f"whole reply frame; the same rows without components: {click['without_bytes']} B",
        ),
        (
            f"  join of {click['components']} components",
            f"{click['with_join_bytes']:,} B",
            "",
            f"statics shared by cid; without components: {click['without_join_bytes']:,} B",
        ),
        (
            f"page of {click['components']} components",
            kib(held["with_bytes"]),
            "",
            f"view + tree + components, tracemalloc, {held['pages']} pages; "
            f"without components {kib(held['without_bytes'])}",
        ),
    ]


def main() -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo.settings"
    os.environ.setdefault("DEMO_DB", ":memory:")
    from django.conf import settings

    templates = Path(tempfile.mkdtemp(prefix="tether-bench-components-"))
    (templates / "bench").mkdir()
    for name, source in TEMPLATES.items():
        (templates / name).write_text(source)
    settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], templates]
    import django

    django.setup()
    return {"click": asyncio.run(click()), "memory": asyncio.run(memory())}


if __name__ == "__main__":
    print(json.dumps(main()))
