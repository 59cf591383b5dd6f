"""Shared renders: one broadcast to many views of one page, with sharing off and on.

Run by the suite in a child process of its own (a clean heap, the demo's
settings and the bench's database): ``python -m bench.shared <db>``, which
prints one JSON object. In-process, so it measures Tether's side alone: no
sockets, no client.

- ``list``: 1,000 views of a page showing the room's last 50 messages (200
  characters each) as a list assign, each with its own name in the header.
  Every broadcast hands all of them the same new list (one message in, the
  oldest out). Per view: the CPU time of ``handle_info`` + re-render + diff +
  encode (``live/shared.py``), best of 4 broadcasts after one to settle; and the
  bytes a view holds (view + kept tree, ``tracemalloc``).
- ``chat``: the same for the demo's chat page, whose history is a stream
  (rows are per view and forgotten once sent, so there is little to share).
- ``presence``: the chat page again, in a room of 200 people: someone joins,
  and every view gets the room's new presence list (as Tether swaps it in
  before ``handle_info``), whose first 50 entries the page shows. A join
  storm is this, once per join.

Sharing is switched with the ``SHARED_RENDERS`` setting, in the same process,
the two modes in alternating pairs of broadcasts so that both see the same
machine load.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

VIEWS = 1000
HISTORY = 50
ROUNDS = 5  # measured broadcasts per mode, each after one that settles the mode
LIST_PAGE = (
    '<section><h1>{{ me }}</h1><ul id="messages">{% for m in messages %}'
    '<li id="m{{ m.id }}" class="msg"><b class="author">{{ m.author }}</b>'
    '<span class="sep">: </span><span class="body">{{ m.body }}</span>'
    "<time>{{ m.time }}</time></li>{% endfor %}</ul>"
    '<p>{{ draft }}</p>{% if error %}<p class="error">{{ error }}</p>{% endif %}</section>'
)


def _message(n: int) -> dict[str, Any]:
    return {"id": n, "author": f"user{n % 7}", "body": "x" * 200, "time": "12:00"}


def _sharing(on: bool) -> None:
    from django.conf import settings
    from django.core.signals import setting_changed

    settings.TETHER = {
        **getattr(settings, "TETHER", {}),
        "SHARED_RENDERS": {"ENTRIES": 5000 if on else 0, "SECONDS": 2.0},
    }
    # As override_settings does: Tether reads its settings again.
    setting_changed.send(type(settings), setting="TETHER", value=settings.TETHER, enter=True)


async def _open(view_cls: Any, n: int, **mount: Any) -> tuple[Any, Any]:
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from tether.rendering import ViewRenderer

    request = RequestFactory().get(f"/?me=guest-{n}")
    request.user = AnonymousUser()
    view = view_cls()
    view.request = request
    await view.mount(request, **mount)
    view.pop_changed()
    renderer = ViewRenderer(view_cls, request)
    await renderer.join(view, title=None, events=())
    view.streams_sent()
    return view, renderer


async def _held(view_cls: Any, **mount: Any) -> dict[str, float]:
    out = {}
    for on in (False, True):
        _sharing(on)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        pages = [await _open(view_cls, n, **mount) for n in range(VIEWS)]
        gc.collect()
        out["on" if on else "off"] = (tracemalloc.get_traced_memory()[0] - before) / VIEWS
        tracemalloc.stop()
        del pages
    return out


def _handle_info(view: Any, message: Any) -> Any:
    return view.handle_info(message)


async def _broadcasts(
    view_cls: Any, messages: Any, deliver: Any = _handle_info, **mount: Any
) -> dict[str, float]:
    """Per-view CPU microseconds of one broadcast, best of ROUNDS, sharing off and on."""
    from tether.live.shared import shared_payloads

    pages = [await _open(view_cls, n, **mount) for n in range(VIEWS)]
    found: dict[bool, list[float]] = {False: [], True: []}
    for k in range(4 * ROUNDS):
        on = bool((k // 2) % 2)
        _sharing(on)
        message = messages(k)
        started = time.process_time()
        for view, renderer in pages:
            await deliver(view, message)
            diff = await renderer.update(view, view.pop_changed())
            shared_payloads.encode(message, diff)
            view.streams_sent()
        if k % 2:  # the first of each pair settles the mode (the trees it keeps)
            found[on].append((time.process_time() - started) / VIEWS * 1e6)
    return {"off": min(found[False]), "on": min(found[True])}


async def list_page(templates: Path) -> dict[str, Any]:
    from tether import LiveView

    (templates / "bench" / "shared_list.html").write_text(LIST_PAGE)
    history = [_message(n) for n in range(HISTORY)]

    class ListRoom(LiveView):
        template_name = "bench/shared_list.html"

        async def mount(self, request: Any, **kwargs: Any) -> None:
            self.me = request.GET["me"]
            self.messages = history
            self.draft = ""
            self.error = ""

        async def handle_info(self, message: Any) -> None:
            self.messages = message

    window = list(history)

    def messages(k: int) -> list[dict[str, Any]]:
        window[:] = [*window[1:], _message(HISTORY + k)]
        return list(window)

    return {
        "views": VIEWS,
        "history": HISTORY,
        "cpu_us": await _broadcasts(ListRoom, messages),
        "held_bytes": await _held(ListRoom),
    }


async def chat_page() -> dict[str, Any]:
    from pages.chat import Chat

    def messages(k: int) -> tuple[str, dict[str, Any]]:
        return ("message", {"id": 10**6 + k, "author": "bob", "body": "x" * 200, "time": "1"})

    return {
        "views": VIEWS,
        "cpu_us": await _broadcasts(Chat, messages, room="bench-shared"),
        "held_bytes": await _held(Chat, room="bench-shared"),
    }


async def presence_change() -> dict[str, Any]:
    from pages.chat import Chat
    from tether.presence.listing import PresenceList, Present

    topic = "chat:bench-shared"

    def people(n: int) -> PresenceList:
        entries = tuple(Present(f"person-{i:04}", ({"name": f"person-{i:04}"},)) for i in range(n))
        return PresenceList(topic, entries)

    async def swap(view: Any, present: PresenceList) -> None:
        view.present = present  # what Tether does for a PresenceDiff, before handle_info

    return {
        "views": VIEWS,
        "people": 200,
        "cpu_us": await _broadcasts(Chat, lambda k: people(200 + k), swap, room="bench-shared"),
    }


def measure(db_path: Path, root: Path) -> dict[str, Any]:
    """Run this module in a child process against the bench's database."""
    paths = [str(root / "src"), str(root / "examples" / "demo"), str(root)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.shared", str(db_path)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.shared failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The table's rows: per-view CPU and bytes held, sharing off -> on."""
    found = figures.get("shared")
    if not found:
        return [("shared renders", "n/a", "", "not run")]
    rows = []
    labels = (
        ("list", "broadcast, 50-message list page"),
        ("chat", "broadcast, chat page (stream)"),
        ("presence", "presence change, chat in a room of 200"),
    )
    for key, label in labels:
        page = found[key]
        cpu = page["cpu_us"]
        note = f"sharing off {cpu['off']:.0f} us/view (handle_info+render+diff+encode, in-process)"
        held = page.get("held_bytes")
        if held:
            note += f"; held {held['off'] / 1024:.1f} -> {held['on'] / 1024:.1f} KiB/view"
        rows.append((f"{label}, {page['views']:,} views", f"{cpu['on']:.0f} us/view", "", note))
    return rows


def main(db: str) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo.settings"
    os.environ["DEMO_DB"] = db
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"  # one process, one thread
    from django.conf import settings

    templates = Path(tempfile.mkdtemp(prefix="tether-bench-shared-"))
    (templates / "bench").mkdir()
    settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], templates]
    import django

    django.setup()
    return {
        "list": asyncio.run(list_page(templates)),
        "chat": asyncio.run(chat_page()),
        "presence": asyncio.run(presence_change()),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
