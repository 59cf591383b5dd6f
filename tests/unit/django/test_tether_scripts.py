"""``{% tether_scripts %}`` hands tether.js the long-poll fallback delay and DEBUG."""

from __future__ import annotations

import re

from django.conf import settings
from django.template import Context, Template
from django.test import override_settings


def _entry(source: str = "{% load tether %}{% tether_scripts %}") -> dict[str, str]:
    html = Template(source).render(Context({"csrf_token": "t"}))
    tag = re.search(r'<script defer src="[^"]*tether\.js"([^>]*)>', html)
    assert tag, html
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(1)))


def test_the_fallback_is_on_by_default_after_the_configured_delay() -> None:
    assert _entry()["longpoll-fallback-ms"] == "2500"
    with override_settings(TETHER={**settings.TETHER, "LONGPOLL": {"FALLBACK_MS": 1000}}):
        assert _entry()["longpoll-fallback-ms"] == "1000"
    with override_settings(TETHER={**settings.TETHER, "LONGPOLL": {"FALLBACK_MS": None}}):
        assert _entry()["longpoll-fallback-ms"] == "0"


def test_one_page_can_choose_its_own_delay_or_turn_it_off() -> None:
    tag = "{% load tether %}{% tether_scripts longpoll_fallback_ms=MS %}"
    assert _entry(tag.replace("MS", "0"))["longpoll-fallback-ms"] == "0"
    assert _entry(tag.replace("MS", "4000"))["longpoll-fallback-ms"] == "4000"


def test_the_console_notice_is_for_debug_only() -> None:
    with override_settings(DEBUG=True):
        assert _entry()["debug"] == "true"
    with override_settings(DEBUG=False):
        assert _entry()["debug"] == "false"


def test_the_page_masks_its_csrf_token_once() -> None:
    # Regression: the tag masked a second token (32 draws from the OS's random
    # source on the event loop) instead of the page's own.
    from django.template import RequestContext
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    source = "{% load tether %}{% csrf_token %}{% tether_scripts %}"
    html = Template(source).render(RequestContext(request, {}))
    field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert field and meta
    assert meta.group(1) == field.group(1)
