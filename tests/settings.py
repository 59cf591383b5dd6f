"""The demo's settings, plus the test-only views and templates."""

from pathlib import Path

from demo.settings import *  # noqa: F403
from demo.settings import TEMPLATES

TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "integration" / "templates"]
ROOT_URLCONF = "tests.integration.urls"
