"""The render scope answers as Django's ``get_language()`` and ``get_current_timezone()`` do."""

from __future__ import annotations

import asyncio
import threading
import zoneinfo

from asgiref.sync import async_to_sync, sync_to_async
from django.test import override_settings
from django.utils import timezone, translation

from tether import render_scope


def _django() -> tuple[str | None, object]:
    return translation.get_language(), timezone.get_current_timezone()


def test_the_fast_reading_is_in_use_with_the_installed_asgiref() -> None:
    # Without it every render pays Django's exception path again (about 11 µs):
    # an asgiref upgrade that changes its storage must be noticed here.
    assert render_scope._LANGUAGE.fast() and render_scope._ZONE.fast()


@override_settings(LANGUAGE_CODE="de")
def test_a_local_django_replaced_on_a_settings_change_is_read_afresh() -> None:
    # Django's test signals give translation a new Local when LANGUAGE_CODE changes.
    with translation.override("nl"):
        assert render_scope.current() == _django() and render_scope.current()[0] == "nl"
    assert render_scope.current() == _django()


async def test_it_agrees_with_django_in_a_task_whatever_is_activated() -> None:
    assert render_scope.current() == _django()
    with translation.override("fr"):
        assert render_scope.current()[0] == "fr"
        assert render_scope.current() == _django()
        with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
            assert render_scope.current() == ("fr", zoneinfo.ZoneInfo("Asia/Tokyo"))
            assert render_scope.current() == _django()
    translation.deactivate_all()
    try:
        assert render_scope.current() == _django()
    finally:
        translation.deactivate()
    assert render_scope.current() == _django()


async def test_each_task_and_each_sync_thread_sees_its_own_activation() -> None:
    seen: dict[str, object] = {}

    async def in_task(language: str) -> None:
        translation.activate(language)
        await asyncio.sleep(0)  # the other task activates meanwhile
        seen[language] = render_scope.current()[0]

    await asyncio.gather(in_task("de"), in_task("nl"))
    assert seen == {"de": "de", "nl": "nl"}
    assert render_scope.current() == _django()  # a child task's activation stays there

    def in_thread() -> tuple[object, object]:
        return render_scope.current(), _django()

    with translation.override("fr"):
        ours, django = await sync_to_async(in_thread)()  # the context travels to the thread
        assert ours == django and ours[0] == "fr"  # type: ignore[index]


def test_a_plain_thread_never_sees_another_threads_activation() -> None:
    found: list[object] = []
    with translation.override("fr"):
        thread = threading.Thread(target=lambda: found.append(render_scope.current()))
        thread.start()
        thread.join()
    assert found == [_django()] and found[0] != ("fr", _django()[1])


def test_async_to_sync_carries_the_activation_as_django_does() -> None:
    async def inside() -> tuple[object, object]:
        return render_scope.current(), _django()

    with translation.override("it"), timezone.override(zoneinfo.ZoneInfo("Europe/Rome")):
        ours, django = async_to_sync(inside)()
    assert ours == django


@override_settings(USE_I18N=False, LANGUAGE_CODE="pt-br", TIME_ZONE="Europe/Lisbon")
def test_without_i18n_it_asks_django_itself() -> None:
    translation.activate("fr")
    try:
        assert render_scope.current() == _django()
        assert render_scope.current()[1] == zoneinfo.ZoneInfo("Europe/Lisbon")
    finally:
        translation.deactivate()


def test_the_default_language_follows_override_settings() -> None:
    translation.deactivate()
    for code in ("de", "sv", "pt-br"):
        with override_settings(LANGUAGE_CODE=code):
            assert render_scope.current() == _django() and render_scope.current()[0] == code
