"""``manage.py check`` says when the ASGI application bypasses TetherASGI (issue 17, item 7).

Without the wrapper, pages render but never connect: the socket's path goes
to Django, which refuses WebSockets, with nothing in the log to say why.
"""

from __future__ import annotations

from typing import Any

from tether.django.asgi_check import check_asgi_application


async def plain_django(scope: Any, receive: Any, send: Any) -> None:
    """Stands for ``get_asgi_application()`` used as it is."""


class Router:
    """A protocol router around the real application, as Channels' is built."""

    def __init__(self, mapping: dict[str, Any]) -> None:
        self.application_mapping = mapping


def router_around_tether() -> Router:
    from demo.asgi import application

    return Router({"http": application, "websocket": application})


def test_the_demo_application_passes(settings: Any) -> None:
    settings.ASGI_APPLICATION = "demo.asgi.application"
    assert check_asgi_application() == []


def test_an_application_without_the_wrapper_is_named_with_the_fix(settings: Any) -> None:
    settings.ASGI_APPLICATION = f"{__name__}.plain_django"

    [warning] = check_asgi_application()

    assert warning.id == "tether.W003"
    assert f"{__name__}.plain_django" in warning.msg
    assert "TetherASGI(get_asgi_application())" in warning.hint


def test_tether_inside_a_router_is_found(settings: Any) -> None:
    settings.ASGI_APPLICATION = f"{__name__}.ROUTED"
    assert check_asgi_application() == []


def test_no_asgi_application_setting_means_nothing_to_check(settings: Any) -> None:
    del settings.ASGI_APPLICATION
    assert check_asgi_application() == []


ROUTED = router_around_tether()
