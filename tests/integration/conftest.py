import pytest

# The scenarios that also run over long poll (tether.testing's transport option):
# the same tests, the same assertions, a browser whose WebSocket is blocked.
OVER_BOTH_TRANSPORTS = {
    "test_counter",
    "test_chat",
    "test_state",
    "test_streams",
    "test_bad_payloads",
    "test_redirects",
    "test_navigation_admission",
    "test_live_sessions",
    "test_live_sessions_security",
    "test_telemetry_events",
    "test_nested",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rpartition(".")[2]
    if module in OVER_BOTH_TRANSPORTS and "tether_transport" in metafunc.fixturenames:
        metafunc.parametrize("tether_transport", ["websocket", "longpoll"], indirect=True)


@pytest.fixture(autouse=True)
def _database(transactional_db: None) -> None:
    """Dead renders read the session; sync handlers use other threads' connections."""
