"""Settings of the demo site: SQLite and in-memory pub/sub, no other service; Redis
and PostgreSQL when TETHER_REDIS_URL and DEMO_DATABASE_URL name them (the deployed setup)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "demo-only-secret-key-change-me-in-production-0123456789"
)
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tether.django",
    "tether.dashboard",
    "pages",
    "todos",
    "teams",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "demo.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
ASGI_APPLICATION = "demo.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DB", str(BASE_DIR / "db.sqlite3")),
    }
}
if os.environ.get("DEMO_DATABASE_URL"):
    # The deployed configuration (docs/deploy.md): PostgreSQL, e.g.
    # postgres://postgres@127.0.0.1:5432/tether_demo; the password, if any, from the URL.
    from urllib.parse import unquote, urlsplit

    url = urlsplit(os.environ["DEMO_DATABASE_URL"])
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": url.path.lstrip("/"),
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname or "",
        "PORT": str(url.port or ""),
        # A dead render's thread closes its connection when the request ends (each
        # request may get a thread of its own); live views share one sync thread, and
        # so one connection per process.
        "CONN_MAX_AGE": 0,
    }

AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
# Uploaded files (the profile demo); a gitignored folder, or DEMO_MEDIA for tests.
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("DEMO_MEDIA", str(BASE_DIR / ".tether" / "media"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A file cache keeps frozen live state across server restarts with no other service.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("TETHER_CACHE_DIR", str(BASE_DIR / ".tether" / "cache")),
        # Django culls a full cache at random: frozen pages must not be culled.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}

TETHER: dict[str, object] = {
    "LAYOUT": "layout.html",
    "STATE": {"BACKEND": "tether.state.cache.CacheStateStore", "OPTIONS": {"TTL": 3600}},
}
if os.environ.get("TETHER_REDIS_URL"):
    # Several processes: pub/sub, presence and frozen state go through Redis.
    TETHER["PUBSUB"] = {
        "BACKEND": "tether.pubsub.redis.RedisPubSub",
        # TETHER_REDIS_PREFIX: tests that share one Redis keep their messages apart.
        "OPTIONS": {
            "url": os.environ["TETHER_REDIS_URL"],
            "prefix": os.environ.get("TETHER_REDIS_PREFIX", "tether:"),
        },
    }
    TETHER["STATE"] = {
        "BACKEND": "tether.state.redis.RedisStateStore",
        "OPTIONS": {"URL": os.environ["TETHER_REDIS_URL"], "TTL": 3600},
    }
if os.environ.get("TETHER_STATE_STORE") == "memory":
    # The bench's shutdown step freezes a deploy's pages into each kind of store.
    TETHER["STATE"] = {"BACKEND": "tether.state.memory.MemoryStateStore", "OPTIONS": {"TTL": 3600}}
elif os.environ.get("TETHER_STATE_STORE") == "redis":
    TETHER["STATE"] = {
        "BACKEND": "tether.state.redis.RedisStateStore",
        "OPTIONS": {
            "URL": os.environ.get("TETHER_STATE_REDIS_URL", "redis://127.0.0.1:6379/0"),
            "TTL": 3600,
            "PREFIX": os.environ.get("TETHER_STATE_PREFIX", "tether:state:"),
        },
    }
if os.environ.get("TETHER_TELEMETRY_HANDLER"):
    # A telemetry handler on every event (bench: the cost of one attached).
    TETHER["TELEMETRY"] = {"HANDLERS": {os.environ["TETHER_TELEMETRY_HANDLER"]: None}}
if os.environ.get("TETHER_PRESENCE_TTL"):
    # Tests shorten how long a dead process's users stay listed.
    ttl = float(os.environ["TETHER_PRESENCE_TTL"])
    TETHER["PRESENCE"] = {"OPTIONS": {"HEARTBEAT_INTERVAL": ttl / 4, "HEARTBEAT_TTL": ttl}}
if os.environ.get("TETHER_PRESENCE_UPDATES_PER_SECOND"):
    # Experiments with how much of the loop a big room's roster may take.
    options = TETHER.setdefault("PRESENCE", {"OPTIONS": {}})["OPTIONS"]  # type: ignore[index]
    options["UPDATES_PER_SECOND"] = float(os.environ["TETHER_PRESENCE_UPDATES_PER_SECOND"])
if os.environ.get("TETHER_OUTBOUND_BUFFER_BYTES"):
    TETHER["OUTBOUND_BUFFER_BYTES"] = int(os.environ["TETHER_OUTBOUND_BUFFER_BYTES"])
if os.environ.get("TETHER_RATE_PER_SECOND"):
    # Load generators click faster than any person: they raise the per-connection limit.
    rate = float(os.environ["TETHER_RATE_PER_SECOND"])
    TETHER["RATE_LIMIT"] = {"PER_SECOND": rate, "BURST": int(rate * 2)}
if os.environ.get("TETHER_CHECKPOINT_EVERY"):
    every = float(os.environ["TETHER_CHECKPOINT_EVERY"])
    TETHER["CHECKPOINT"] = {"ENABLED": True, "EVERY": every, "BATCH": 500}
if os.environ.get("TETHER_WATCHDOG_MS"):
    # 0 turns the event-loop watchdog off; any other value is its threshold.
    watchdog_ms = int(os.environ["TETHER_WATCHDOG_MS"])
    TETHER["WATCHDOG"] = {"ENABLED": watchdog_ms > 0, "THRESHOLD_MS": watchdog_ms or 100}
if any(os.environ.get(f"TETHER_GC_{k}") for k in ("FREEZE", "FREEZE_AFTER", "FULL_AFTER")):
    # "0" turns freezing after full collections off, to measure what it does; FREEZE_AFTER
    # compares freezing after full collections only (2) and after gen 1 too (1); FULL_AFTER
    # compares how often full collections run (Python's own: 10).
    TETHER["GC"] = {
        "FREEZE": os.environ.get("TETHER_GC_FREEZE", "1") == "1",
        "FULL_EVERY": 600.0,
        "FREEZE_AFTER": int(os.environ.get("TETHER_GC_FREEZE_AFTER") or 2),
        "FULL_AFTER": int(os.environ.get("TETHER_GC_FULL_AFTER") or 1),
    }
if os.environ.get("TETHER_REQUEST_THREADS"):
    # The bench measures what a pool of request threads costs and buys.
    TETHER["REQUEST_THREADS"] = int(os.environ["TETHER_REQUEST_THREADS"])
if os.environ.get("TETHER_IDLE_TIMEOUT"):
    # The bench's crowd step compresses time: heartbeats every 5 s against 15 s.
    TETHER["IDLE_TIMEOUT"] = float(os.environ["TETHER_IDLE_TIMEOUT"])
if os.environ.get("TETHER_FREEZE_IDLE_AFTER"):
    TETHER["FREEZE_IDLE_AFTER"] = float(os.environ["TETHER_FREEZE_IDLE_AFTER"])
if os.environ.get("TETHER_LONGPOLL_FALLBACK_MS"):
    # "0": pages never fall back to long poll when their WebSocket is blocked.
    TETHER["LONGPOLL"] = {"FALLBACK_MS": int(os.environ["TETHER_LONGPOLL_FALLBACK_MS"])}
if os.environ.get("TETHER_LONGPOLL_POLL_TIMEOUT"):
    # Tests that stop a process under a long-poll page: uvicorn waits out the poll it holds.
    longpoll = TETHER.setdefault("LONGPOLL", {})
    longpoll["POLL_TIMEOUT"] = float(os.environ["TETHER_LONGPOLL_POLL_TIMEOUT"])  # type: ignore[index]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "tether": {"handlers": ["console"], "level": os.environ.get("TETHER_LOG", "WARNING")}
    },
}
if os.environ.get("TETHER_UPLOAD_TEMP_DIR"):
    # Tests count the temporary files of uploads in a folder of their own.
    TETHER["UPLOADS"] = {"TEMP_DIR": os.environ["TETHER_UPLOAD_TEMP_DIR"]}
