"""What ``lifespan.startup`` does before the first client: each check runs in a fresh
interpreter, as a server starts, since this test process has long imported everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Starts the tests' app the way an ASGI server does, then reports what is loaded.
SCRIPT = """
import asyncio, gc, json, os, sys
import django
from django.conf import settings
settings.ROOT_URLCONF = os.environ.get("URLCONF", settings.ROOT_URLCONF)
if os.environ.get("NO_FREEZE"):
    settings.TETHER = {**settings.TETHER, "GC": {"FREEZE": False}}
django.setup()
from django.core.asgi import get_asgi_application
from tether.asgi import TetherASGI

app = TetherASGI(get_asgi_application())
before = "tests.integration.urls" in sys.modules

async def start() -> list:
    sent, messages = [], [{"type": "lifespan.startup"}]
    async def receive():
        if messages:
            return messages.pop()
        await asyncio.Event().wait()
    async def send(message):
        sent.append(message)
    task = asyncio.ensure_future(app.lifespan(receive, send))
    while not sent:
        await asyncio.sleep(0.01)
    task.cancel()
    return sent

sent = asyncio.run(start())
print(json.dumps({
    "before": before,
    "urlconf": "tests.integration.urls" in sys.modules,
    "views": "tests.integration.views" in sys.modules,
    "state_store": "tether.state.memory" in sys.modules,
    "frozen": gc.get_freeze_count(),
    "sent": sent,
}))
"""


def start(**environ: str) -> dict[str, object]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("", "src", "examples/demo")),
        **environ,
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_startup_loads_the_urlconf_views_and_state_store_before_the_first_request() -> None:
    started = start()
    assert started["sent"] == [{"type": "lifespan.startup.complete"}]
    assert started["before"] is False, "the URLconf was already loaded: the check proves nothing"
    assert started["urlconf"] and started["views"] and started["state_store"]


def test_startup_freezes_what_it_loaded_so_no_collection_walks_it_again() -> None:
    assert start()["frozen"] > 10_000  # Django's and the app's modules, classes, functions
    assert start(NO_FREEZE="1")["frozen"] == 0  # GC FREEZE off: the collector is left alone


def test_a_urlconf_that_cannot_load_fails_the_start_not_every_request() -> None:
    started = start(URLCONF="tests.unit.django.no_such_urls")
    (failed,) = started["sent"]  # type: ignore[misc]
    assert failed["type"] == "lifespan.startup.failed"
    assert "no_such_urls" in failed["message"]
