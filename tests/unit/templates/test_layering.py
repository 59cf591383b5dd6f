"""tether.templates stays pure: it imports only Django's template engine and Tether's
bottom layer, and its modules import each other in one direction only."""

from __future__ import annotations

import ast
from pathlib import Path

import tether.templates

PACKAGE = Path(tether.templates.__file__).parent
# What pure template code may import from Tether and from Django.
ALLOWED_TETHER = ("tether.templates", "tether.protocol", "tether.errors", "tether.types")
ALLOWED_DJANGO = ("django.template", "django.templatetags", "django.utils")


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def internal_graph() -> dict[str, set[str]]:
    graph = {}
    for path in PACKAGE.glob("*.py"):
        name = f"tether.templates.{path.stem}"
        if path.stem == "__init__":
            continue
        graph[name] = {m for m in imports_of(path) if m.startswith("tether.templates.")}
    return graph


def test_templates_import_nothing_above_the_pure_layer() -> None:
    for path in PACKAGE.glob("*.py"):
        for module in imports_of(path):
            if module.startswith("tether"):
                assert module.startswith(ALLOWED_TETHER), f"{path.name} imports {module}"
            if module.startswith("django"):
                assert module.startswith(ALLOWED_DJANGO), f"{path.name} imports {module}"


def test_template_modules_import_each_other_without_a_cycle() -> None:
    graph = internal_graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = " -> ".join([*path[path.index(module) :], module])
            raise AssertionError(f"import cycle: {cycle}")
        if module in done:
            return
        for imported in graph.get(module, ()):
            visit(imported, [*path, module])
        done.add(module)

    for module in graph:
        visit(module, [])


def test_the_cycle_check_sees_a_lazy_import(tmp_path: Path) -> None:
    # The check must not be blind to the kind of import that used to hide the cycle.
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    from tether.templates.template import compile\n")
    assert imports_of(source) == {"tether.templates.template"}
