"""Streams: the frame for one row on top of 1,000, and what an open chat page holds.

Run by the suite in a child process of its own (a clean heap, the demo's
settings and the bench's database): ``python -m bench.streams <db>``, which
prints one JSON object.

- ``insert_frame``: the exact reply frame after ``stream_insert(..., at=0)``
  puts one todo on top of a 1,000-row stream, beside the frame the same change
  costs when the rows are a list assign (a keyed ``{% for %}``).
- ``chat``: bytes held per open chat page (its view and the rendered tree the
  renderer keeps for the next diff, traced by ``tracemalloc``) in an empty
  room and in a room of 1,000 messages, shown as a stream (the demo's Chat
  with ``history = 1000``) and as a list assign (the same page before streams).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

from bench import servers

ROWS = 1000
PAGES = 20
MESSAGES = 1000
TOPIC = "lv:phx-GqcS8PO4PSd9oBbM"  # the length of a real element id
TODO = (
    '<li id="{{ dom_id }}" class="todo{% if todo.done %} done{% endif %}">'
    '<input type="checkbox" phx-click="toggle" phx-value-id="{{ todo.id }}"'
    "{% if todo.done %} checked{% endif %}> {{ todo.text }} "
    '<button phx-click="delete" phx-value-id="{{ dom_id }}">delete</button></li>'
)
STREAMED = '<ul id="todos" phx-update="stream">{% for dom_id, todo in streams.todos %}' + TODO
LISTED = '<ul id="todos">{% for todo in todos %}' + TODO.replace(
    "{{ dom_id }}", "todos-{{ todo.id }}"
)
CHAT_TEMPLATE = (
    Path(__file__).resolve().parent.parent / "examples/demo/pages/templates/pages/chat.html"
)
# The chat's stream loop, however its markup is dressed: the loop's header with its
# two names, its body up to the loop's end, and the ``phx-update`` of the list before it.
STREAM_LOOP = re.compile(
    r"\{%\s*for\s+(?P<dom_id>\w+)\s*,\s*(?P<item>\w+)\s+in\s+streams\.messages\s*%\}"
    r"(?P<body>.*?)(?P<end>\{%\s*endfor\s*%\})",
    re.DOTALL,
)
STREAM_UPDATE = re.compile(r'\s+phx-update="stream"')


def listed_chat(source: str) -> str:
    """The chat template with its stream loop turned into a keyed loop over a list
    assign ``messages``, each row's DOM id made from its ``id``: the page before streams."""
    loop = STREAM_LOOP.search(source)
    if loop is None:
        raise RuntimeError("the chat template has no loop over streams.messages")
    # The last one before the loop is its container's.
    update = next(reversed(list(STREAM_UPDATE.finditer(source, 0, loop.start()))), None)
    if update is None:
        raise RuntimeError('the chat\'s stream loop has no phx-update="stream" container')
    item = loop["item"]
    body = re.sub(r"\{\{\s*" + loop["dom_id"] + r"\s*\}\}", f"m-{{{{ {item}.id }}}}", loop["body"])
    listed = f"{{% for {item} in messages %}}{body}{loop['end']}"
    return (
        source[: update.start()]
        + source[update.end() : loop.start()]
        + listed
        + source[loop.end() :]
    )


def _todo(n: int) -> dict[str, Any]:
    return {"id": n, "text": f"Water the plants on shelf {n}", "done": n % 4 == 0}


def insert_frame() -> dict[str, Any]:
    """Reply frame bytes for one todo put on top of 1,000: as a stream, and as a list."""
    from django.template import Context, Engine

    from tether import protocol
    from tether.streams import StreamsMixin
    from tether.templates import compile, diff

    engine = Engine()

    def frame(wire: dict[str, Any]) -> str:
        return protocol.reply("4", "17", TOPIC, protocol.STATUS_OK, {protocol.DIFF_KEY: wire})

    streamed = compile(engine.from_string(STREAMED + "{% endfor %}</ul>"))
    view = StreamsMixin()
    view.stream("todos", [_todo(n) for n in range(ROWS)])
    view.pop_changed()
    first = streamed.render(Context(view.stream_context()))
    diff(None, first)
    view.streams_sent()
    view.stream_insert("todos", _todo(ROWS), at=0)
    second = streamed.render(Context(view.stream_context()), previous=first, changed={"streams"})
    stream_frame = frame(diff(first, second))

    listed = compile(engine.from_string(LISTED + "{% endfor %}</ul>"))
    todos = [_todo(n) for n in range(ROWS)]
    before = listed.render(Context({"todos": todos}))
    after = listed.render(
        Context({"todos": [_todo(ROWS), *todos]}), previous=before, changed={"todos"}
    )
    list_frame = frame(diff(before, after))
    return {
        "rows": ROWS,
        "stream_bytes": len(stream_frame.encode()),
        "stream_frame": stream_frame,
        "list_bytes": len(list_frame.encode()),
    }


async def _open(view_cls: Any, room: str) -> tuple[Any, Any]:
    """One chat page as a joined session holds it: the view, and its renderer's tree."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from tether.rendering import ViewRenderer

    request = RequestFactory().get(f"/chat/{room}/")
    request.user = AnonymousUser()
    view = view_cls()
    view.request = request
    await view.mount(request, room=room)
    view.pop_changed()
    renderer = ViewRenderer(view_cls, request)
    await renderer.join(view, title=None, events=())
    return view, renderer


async def _per_page(view_cls: Any, room: str) -> float:
    await _open(view_cls, room)  # warm: templates compiled, querysets cached
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    pages = [await _open(view_cls, room) for _ in range(PAGES)]
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    del pages
    return held / PAGES


async def chat_memory() -> dict[str, Any]:
    """Bytes per open chat page: empty room, 1,000 messages streamed, 1,000 in a list."""
    from pages.chat import Chat
    from pages.models import Message

    class StreamedChat(Chat):
        history = MESSAGES

    class ListedChat(Chat):
        template_name = "bench/list_chat.html"
        history = MESSAGES

        async def _load_history(self, *, reset: bool = False) -> None:
            recent = Message.objects.filter(room=self.room).order_by("-id")[: self.history]
            rows = [
                {"id": m.pk, "author": m.author, "body": m.body, "time": f"{m.created:%H:%M}"}
                async for m in recent
            ]
            self.messages = rows[::-1]

    body = "the quick brown fox jumps over the lazy dog, " * 4
    await Message.objects.abulk_create(
        Message(room="big", author=f"user{n % 7}", body=f"{n} {body}") for n in range(MESSAGES)
    )
    tracemalloc.start()
    try:
        return {
            "messages": MESSAGES,
            "pages": PAGES,
            "empty_bytes": await _per_page(StreamedChat, "empty"),
            "stream_bytes": await _per_page(StreamedChat, "big"),
            "list_bytes": await _per_page(ListedChat, "big"),
        }
    finally:
        tracemalloc.stop()


GOALS = {"insert": "< 300 B", "chat": "streamed <= empty + 2 KiB"}


def measure(db_path: Path, root: Path) -> dict[str, Any]:
    """Run this module in a child process against the bench's database."""
    return servers.run_step("bench.streams", str(db_path), root=root)


def report_rows(figures: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The table's rows for the stream figures."""
    found = figures.get("streams")
    if not found:
        return [("wire: stream insert on 1,000", "n/a", GOALS["insert"], "not run")]
    frame, chat = found["insert_frame"], found["chat"]
    kib = lambda n: f"{n / 1024:.1f} KiB"  # noqa: E731
    return [
        (
            f"wire: stream insert on {frame['rows']:,}",
            f"{frame['stream_bytes']} B",
            GOALS["insert"],
            f"one todo at=0, whole reply frame; as a list: {frame['list_bytes']:,} B",
        ),
        (
            f"chat page, {chat['messages']:,} messages streamed",
            kib(chat["stream_bytes"]),
            GOALS["chat"],
            f"view + kept tree, tracemalloc, {chat['pages']} pages; empty room "
            f"{kib(chat['empty_bytes'])}",
        ),
        (
            "  the same history in a list",
            kib(chat["list_bytes"]),
            "",
            "the chat before streams: rows held as assigns and in the tree",
        ),
    ]


def main(db: str) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo.settings"
    os.environ["DEMO_DB"] = db
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"  # one process, one thread: no sharing
    from django.conf import settings

    templates = Path(tempfile.mkdtemp(prefix="tether-bench-streams-"))
    (templates / "bench").mkdir()
    # The chat page as it was before streams: the same template, the history a list.
    (templates / "bench" / "list_chat.html").write_text(listed_chat(CHAT_TEMPLATE.read_text()))
    settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], templates]
    import django

    django.setup()
    return {"insert_frame": insert_frame(), "chat": asyncio.run(chat_memory())}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
