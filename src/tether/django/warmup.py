"""Do at server startup what the first page load and join would do on the event loop.

Django imports the URLconf (and with it every view module), builds the template
engines and their loaders, and Tether builds its state store, on first use. Under
an ASGI server that first use is the first request after a start or a deploy: the
imports run on the event loop, and after them Python's first full collection walks
everything the process has loaded. With the demo that blocked the loop for
110-140 ms in the first join, and the watchdog said so in the log. After a deploy,
every client reconnects at once and waits behind it.

``TetherASGI`` runs ``warm_up()`` at ``lifespan.startup``: a URLconf or template
setting that cannot load fails the start, with Django's own error, instead of
every request. With ``GC["FREEZE"]`` on, what startup made is then collected once
and frozen, so no later collection walks the modules again.
"""

from __future__ import annotations

from django.conf import settings
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.urls import get_resolver
from django.utils.module_loading import import_string

from tether.conf import setting
from tether.live.collector import collector
from tether.presence import get_presence
from tether.state import get_state_store


def warm_up() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  (imports the URLconf and the views it names)
    resolver.reverse_dict  # noqa: B018  (what {% url %} and reverse() build on first use)
    for engine in engines.all():
        if isinstance(engine, DjangoTemplates):
            engine.engine.template_loaders  # noqa: B018
            engine.engine.template_context_processors  # noqa: B018
    for name in ("MESSAGE_STORAGE", "SESSION_SERIALIZER"):  # what middleware loads per request
        import_string(getattr(settings, name))
    get_state_store()
    get_presence()  # and the pub/sub it runs over: built, not started, nothing connects
    if setting("GC").get("FREEZE"):
        collector.freeze_startup()
