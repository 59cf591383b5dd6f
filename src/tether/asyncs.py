"""Async results: the state of a value a view loads concurrently.

``assign_async`` puts an ``AsyncResult`` in the template's hands at once, in
its loading state; when the load finishes the view re-renders with the value
or with the error. Several loads run at the same time, so a page waits for
the slowest, not the sum.

    {% if orders.loading %}<span class="spinner"></span>
    {% elif orders.failed %}<p class="error">{{ orders.error }}</p>
    {% else %}{{ orders.result|length }} orders{% endif %}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AsyncResult:
    loading: bool = False
    ok: bool = False
    failed: bool = False
    result: Any = None
    error: Any = None

    @classmethod
    def pending(cls, previous: object = None) -> AsyncResult:
        """Loading; a reload keeps showing the previous value meanwhile."""
        if isinstance(previous, AsyncResult) and previous.ok:
            return cls(loading=True, ok=True, result=previous.result)
        return cls(loading=True)

    @classmethod
    def success(cls, value: Any) -> AsyncResult:
        return cls(ok=True, result=value)

    @classmethod
    def failure(cls, error: Any) -> AsyncResult:
        return cls(failed=True, error=error)

    def __str__(self) -> str:
        if self.loading:
            return "loading"
        return str(self.result) if self.ok else f"failed: {self.error}"
