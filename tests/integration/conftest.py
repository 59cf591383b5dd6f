import pytest


@pytest.fixture(autouse=True)
def _database(transactional_db: None) -> None:
    """Dead renders read the session; sync handlers use other threads' connections."""
