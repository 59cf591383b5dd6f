"""The demo's settings, plus the test-only views and templates."""

from pathlib import Path

from demo.settings import *  # noqa: F403
from demo.settings import TEMPLATES

TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "integration" / "templates"]
ROOT_URLCONF = "tests.integration.urls"

# In-process tests keep frozen state in memory; server processes use the demo's stores.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TETHER = {
    "LAYOUT": "layout.html",
    "STATE": {"BACKEND": "tether.state.memory.MemoryStateStore", "OPTIONS": {"TTL": 3600}},
}
