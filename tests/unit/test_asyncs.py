from __future__ import annotations

import dataclasses

import pytest

from tether.asyncs import AsyncResult


def test_pending() -> None:
    result = AsyncResult.pending()
    assert (result.loading, result.ok, result.failed, result.result) == (True, False, False, None)
    assert str(result) == "loading"


def test_success() -> None:
    result = AsyncResult.success([1, 2])
    assert (result.loading, result.ok, result.failed, result.result) == (False, True, False, [1, 2])
    assert str(result) == "[1, 2]"


def test_failure() -> None:
    result = AsyncResult.failure("timeout")
    assert (result.loading, result.ok, result.failed, result.error) == (
        False,
        False,
        True,
        "timeout",
    )
    assert str(result) == "failed: timeout"


def test_pending_keeps_a_previous_ok_value() -> None:
    result = AsyncResult.pending(AsyncResult.success(42))
    assert result.loading and result.ok
    assert result.result == 42
    assert str(result) == "loading"


def test_pending_after_a_failure_drops_the_error() -> None:
    result = AsyncResult.pending(AsyncResult.failure("boom"))
    assert result == AsyncResult(loading=True)


def test_pending_from_a_plain_value() -> None:
    # A plain value (say, the dead render's assign) is not a finished load.
    assert AsyncResult.pending(42) == AsyncResult(loading=True)
    assert AsyncResult.pending(None) == AsyncResult(loading=True)


def test_results_are_immutable_values() -> None:
    assert AsyncResult.success(1) == AsyncResult.success(1)
    assert AsyncResult.success(1) != AsyncResult.success(2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        AsyncResult.success(1).ok = False  # type: ignore[misc]
