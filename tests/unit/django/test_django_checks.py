from __future__ import annotations

import pytest

from tether.django.checks import check_settings

SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"


def ids(messages: list) -> list[str]:
    return [m.id for m in messages]


def assert_one_sentence(messages: list) -> None:
    for message in messages:
        text = message.msg
        assert text.endswith("."), text
        assert ". " not in text[:-1], text
        assert text[0].isupper() or text.startswith("settings."), text


def test_the_test_settings_are_correct() -> None:
    assert check_settings() == []


def test_no_tether_setting_is_correct(settings) -> None:
    del settings.TETHER
    assert check_settings() == []


def test_e001_tether_not_a_dict(settings) -> None:
    settings.TETHER = ["LAYOUT"]
    messages = check_settings()
    assert ids(messages) == ["tether.E001"]
    assert_one_sentence(messages)


def test_w001_unknown_key(settings) -> None:
    settings.TETHER = {"LAYOUT": "layout.html", "LAYUOT": "typo.html"}
    messages = check_settings()
    assert ids(messages) == ["tether.W001"]
    assert "'LAYUOT'" in messages[0].msg
    assert_one_sentence(messages)


@pytest.mark.parametrize("conf", ["tether.pubsub.memory.MemoryPubSub", {"BACKEND": 42}])
def test_e002_backend_missing(settings, conf: object) -> None:
    settings.TETHER = {"PUBSUB": conf}
    messages = check_settings()
    assert ids(messages) == ["tether.E002"]
    assert "'PUBSUB'" in messages[0].msg
    assert_one_sentence(messages)


def test_options_only_alias_keeps_the_default_backend(settings) -> None:
    settings.TETHER = {"STATE": {"OPTIONS": {"TTL": 60}}}
    assert check_settings() == []


@pytest.mark.parametrize("backend", ["nowhere.Store", "tether.state.memory.NoSuchStore", "x"])
def test_e003_backend_cannot_be_imported(settings, backend: str) -> None:
    settings.TETHER = {"STATE": {"BACKEND": backend}}
    messages = check_settings()
    assert ids(messages) == ["tether.E003"]
    assert repr(backend) in messages[0].msg
    assert_one_sentence(messages)


def test_w002_no_session_middleware(settings) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != SESSIONS]
    messages = check_settings()
    assert ids(messages) == ["tether.W002"]
    assert_one_sentence(messages)


def test_e004_no_csrf_middleware(settings) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != CSRF]
    messages = check_settings()
    assert ids(messages) == ["tether.E004"]
    assert_one_sentence(messages)


def test_several_problems_are_all_reported(settings) -> None:
    settings.MIDDLEWARE = []
    settings.TETHER = {"NOPE": 1, "PUBSUB": {"BACKEND": 42}, "STATE": {"BACKEND": "nowhere.Store"}}
    messages = check_settings()
    assert sorted(ids(messages)) == [
        "tether.E002",
        "tether.E003",
        "tether.E004",
        "tether.W001",
        "tether.W002",
    ]
    assert_one_sentence(messages)


def test_checks_are_registered() -> None:
    from django.core.checks import registry

    assert check_settings in registry.registry.get_checks()


def test_e021_an_activate_entry_that_does_not_import(settings) -> None:
    from tether.django.checks import check_activate

    assert check_activate() == []
    settings.TETHER = {"ACTIVATE": ["tether.django.activation.language", "myproject.nowhere"]}
    messages = check_activate()
    assert ids(messages) == ["tether.E021"]
    assert "'myproject.nowhere'" in messages[0].msg
    assert_one_sentence(messages)
    settings.TETHER = {"ACTIVATE": "tether.django.activation.language"}
    assert ids(check_activate()) == ["tether.E020"]


def test_w020_locale_middleware_without_the_language_activation(settings) -> None:
    from tether.django.checks import check_activate

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.locale.LocaleMiddleware"]
    assert check_activate() == []
    settings.TETHER = {"ACTIVATE": ["tether.django.activation.time_zone"]}
    messages = check_activate()
    assert ids(messages) == ["tether.W020"]
    assert_one_sentence(messages)


@pytest.mark.parametrize(
    "value",
    [5000, {"ENTRIES": -1}, {"ENTRIES": "many"}, {"ENTRIES": True}, {"SECONDS": 0}],
)
def test_e005_shared_renders_limits(settings, value) -> None:
    settings.TETHER = {"SHARED_RENDERS": value}
    messages = check_settings()
    assert ids(messages) == ["tether.E005"]
    assert_one_sentence(messages)


def test_shared_renders_off_or_partial_is_correct(settings) -> None:
    for value in ({"ENTRIES": 0}, {"SECONDS": 0.5}, {"ENTRIES": 100, "SECONDS": 1}):
        settings.TETHER = {"SHARED_RENDERS": value}
        assert check_settings() == []
