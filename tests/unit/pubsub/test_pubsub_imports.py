"""Pub/sub sits below presence: presence picks its store from the pub/sub, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import tether.pubsub


def _imported_modules(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):  # every level: module, function bodies, TYPE_CHECKING blocks
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_pubsub_module_imports_presence() -> None:
    package = Path(next(iter(tether.pubsub.__path__)))
    sources = sorted(package.rglob("*.py"))
    assert sources, "found no pub/sub modules to check"
    offenders = {
        str(path.relative_to(package)): name
        for path in sources
        for name in _imported_modules(ast.parse(path.read_text(), str(path)))
        if name == "tether.presence" or name.startswith("tether.presence.")
    }
    assert offenders == {}


def test_the_check_sees_imports_inside_functions() -> None:
    source = "def f():\n    from tether import presence\n    import tether.presence.base\n"
    assert _imported_modules(ast.parse(source)) == [
        "tether",
        "tether.presence",
        "tether.presence.base",
    ]
