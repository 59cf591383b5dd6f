"""One changed cell in a 200-row table, measured in-process with ``tether.templates``.

The wire size of its diff, and the time to re-render and diff it after the
change, beside Django rendering the whole table again.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

ROWS = 200
SOURCE = (
    "<table><thead><tr><th>#</th><th>name</th><th>value</th></tr></thead><tbody>"
    "{% for row in rows %}"
    '<tr id="row-{{ row.id }}"><td>{{ row.id }}</td><td>{{ row.name }}</td>'
    "<td>{{ row.value }}</td></tr>"
    "{% endfor %}</tbody></table>"
)


def _configure_django() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(INSTALLED_APPS=[], TEMPLATES=[], USE_I18N=False)
    import django

    django.setup()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(repeats: int = 500) -> dict[str, Any]:
    """Diff bytes of one changed cell; re-render+diff vs Django's full render, in µs."""
    try:
        _configure_django()
        from django.template import Context, Engine

        from tether.protocol import dumps
        from tether.templates import compile, diff
    except ImportError as exc:
        return {"error": f"tether.templates unavailable: {exc}"}

    template = Engine().from_string(SOURCE)
    live = compile(template)
    rows = [{"id": i, "name": f"row {i}", "value": i * 3} for i in range(ROWS)]
    previous = live.render(Context({"rows": rows}))
    full_bytes = len(dumps(diff(None, previous)))

    def changed(n: int) -> list[dict[str, Any]]:
        new = list(rows)
        new[ROWS // 2] = {**rows[ROWS // 2], "value": n}
        return new

    current = live.render(Context({"rows": changed(-1)}), previous=previous, changed={"rows"})
    cell = dumps(diff(previous, current))

    live_times: list[float] = []
    django_times: list[float] = []
    for n in range(repeats):
        context_rows = changed(n)
        start = time.perf_counter()
        rendered = live.render(Context({"rows": context_rows}), previous=previous, changed={"rows"})
        dumps(diff(previous, rendered))
        live_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        template.render(Context({"rows": context_rows}))
        django_times.append(time.perf_counter() - start)
    return {
        "cell_diff": cell,
        "cell_diff_bytes": len(cell.encode()),
        "full_render_bytes": full_bytes,
        "rerender_diff_us": {
            "median": statistics.median(live_times) * 1e6,
            "p99": percentile(live_times, 0.99) * 1e6,
        },
        "django_render_us": {
            "median": statistics.median(django_times) * 1e6,
            "p99": percentile(django_times, 0.99) * 1e6,
        },
        "repeats": repeats,
    }
