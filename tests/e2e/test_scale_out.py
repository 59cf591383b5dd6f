"""The chat room as deployed (docs/deploy.md), small: two uvicorn worker
processes sharing one port, Redis for pub/sub, presence and state, the
messages in PostgreSQL.

Which worker a page landed on is read from /proc: the worker that holds the
server's end of the page's TCP connection. The test opens pages until both
workers hold some, posts from a page on one, and expects every page on both
to show the message and the whole room.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from bs4 import BeautifulSoup
from psycopg import sql
from tests.e2e.pageclient import DeadPage, Socket, dead_render, open_socket

from tests.conftest import DEMO, REDIS_URL
from tether.testing import ServerProcess
from tether.testing.server import manage
from tether.testing.tree import ClientTree

pytestmark = pytest.mark.redis

POSTGRES = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
ENOUGH_PER_WORKER = 3
MAX_PAGES = 40


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new PostgreSQL database for the test, dropped after it."""
    try:
        admin = psycopg.connect(POSTGRES, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(
            "PostgreSQL is missing: nothing accepts connections at 127.0.0.1:5432 as user"
            f" postgres ({str(exc).strip()}). The scale-out test keeps the chat in PostgreSQL:"
            " start the server (`make postgres`) and run the tests again.",
            pytrace=False,
        )
    name = f"tether_e2e_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield f"postgres://postgres@127.0.0.1:5432/{name}"
        finally:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def deployed(postgres_url: str, redis_prefix: str, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {
        "DJANGO_SETTINGS_MODULE": "demo.settings",
        "DEMO_DATABASE_URL": postgres_url,
        "TETHER_REDIS_URL": REDIS_URL,
        "TETHER_REDIS_PREFIX": redis_prefix,
        "TETHER_CACHE_DIR": str(tmp_path / "cache"),
    }
    manage(DEMO, env, ["migrate", "--verbosity", "0"])
    server = ServerProcess(
        "demo.asgi:application", cwd=DEMO, env=env, log=tmp_path / "server.log", workers=2
    )
    with server:
        yield server


def _worker_of(server: ServerProcess, client_port: int) -> int:
    """The worker holding the server's end of the connection from ``client_port``."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            local, remote = fields[1].rsplit(":", 1)[1], fields[2].rsplit(":", 1)[1]
            if int(local, 16) == server.port and int(remote, 16) == client_port:
                inode = fields[9]
    assert inode is not None, f"no server socket for client port {client_port}"
    for pid in server.worker_pids():
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return pid
    raise AssertionError(f"no worker holds socket {inode}")


class Tab:
    """One open chat page: its frames as they come, and the page they build."""

    def __init__(self, page: DeadPage, ws: Any, worker: int) -> None:
        self.page, self.ws, self.worker = page, ws, worker
        self.sock = Socket(ws)
        self.tree = ClientTree()
        self.raw: list[str] = []
        self.reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for raw in self.ws:
            self.raw.append(raw)
            frame = json.loads(raw)
            payload = frame[4]
            if frame[3] == "phx_reply":
                response = payload.get("response", {})
                diff = response.get("rendered") or response.get("diff")
            else:
                diff = payload if frame[3] == "diff" else None
            if diff:
                self.tree.merge(diff)

    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.tree.to_html(), "html.parser")

    def present(self) -> list[str]:
        return [li.get_text() for li in self.soup().select("#present li")]


async def _open(server: ServerProcess, path: str) -> Tab:
    page = await dead_render(server.url, path)
    ws = await open_socket(server.ws_url, page).__aenter__()
    tab = Tab(page, ws, _worker_of(server, ws.local_address[1]))
    tab.reader = asyncio.create_task(tab.read())
    ref = await tab.sock.push(page.topic, "phx_join", _join_payload(page))
    await _until(lambda: any(f'"{ref}","{page.topic}","phx_reply"' in r for r in tab.raw), 10)
    return tab


def _join_payload(page: DeadPage) -> dict[str, Any]:
    return {
        "url": page.url,
        "params": {"_csrf_token": page.csrf, "_mounts": 0},
        "session": page.session,
        "static": page.static,
    }


async def _until(condition: Any, timeout: float) -> None:
    """Poll ``condition`` (frames arrive on reader tasks) until true, or fail."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def _tabs() -> AsyncIterator[list[Tab]]:
    tabs: list[Tab] = []
    try:
        yield tabs
    finally:
        for tab in tabs:
            await tab.ws.close()
            if tab.reader is not None:
                tab.reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await tab.reader


async def test_a_message_posted_on_one_worker_reaches_pages_on_both_and_presence_sees_all(
    deployed: ServerProcess, postgres_url: str
) -> None:
    room = "/chat/deployed/"
    async with _tabs() as tabs:
        workers = set(deployed.worker_pids())
        assert len(workers) == 2
        while len(tabs) < MAX_PAGES:
            tabs.append(await _open(deployed, room))
            counts = [sum(t.worker == w for t in tabs) for w in workers]
            if min(counts) >= ENOUGH_PER_WORKER:
                break
        assert min(sum(t.worker == w for t in tabs) for w in workers) >= ENOUGH_PER_WORKER

        names = sorted({t.soup().select_one("#me").get_text() for t in tabs})  # type: ignore[union-attr]
        for tab in tabs:  # presence across both workers, through Redis
            await _until(lambda tab=tab: tab.present() == names[:50], 20)

        poster = tabs[0]
        marker = f"hello-{uuid.uuid4().hex[:8]}"
        await poster.sock.push(
            poster.page.topic,
            "event",
            {"type": "form", "event": "send", "value": f"body={marker}", "meta": {}},
        )
        for tab in tabs:
            await _until(lambda tab=tab: any(marker in raw for raw in tab.raw), 15)
        others = {t.worker for t in tabs} - {poster.worker}
        assert others, "every page was on the poster's worker"

    with psycopg.connect(postgres_url.replace("postgres://", "postgresql://")) as conn:
        stored = conn.execute("SELECT count(*) FROM pages_message WHERE body = %s", (marker,))
        assert stored.fetchone() == (1,)
