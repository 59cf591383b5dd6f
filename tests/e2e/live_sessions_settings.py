"""The test project (tests/settings.py) behind Django's LoginRequiredMiddleware and with
LocaleMiddleware, for a server process in tests/e2e/test_browser_live_sessions.py."""

from tests.settings import *  # noqa: F403
from tests.settings import MIDDLEWARE

MIDDLEWARE = [*MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "django.middleware.locale.LocaleMiddleware",
)
