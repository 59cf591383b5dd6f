"""The house rules of src/tether, checked on its source with ``ast``.

- imports go one way: no module imports (at run time, at the top or inside a
  function) something that imports it back; ``if TYPE_CHECKING:`` imports
  are annotations only and are not counted;
- the pure layer (protocol, tokens, errors, types, signing, effects,
  templates/) imports nothing from the runtime or Django edges and does no I/O;
- every wire string is spelled once, in protocol.py;
- no module is over 400 lines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "tether"
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


MODULES = _modules()


def _type_checking_blocks(tree: ast.AST) -> set[ast.AST]:
    skipped: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(ast.walk(node))
    return skipped


def _imports(path: Path) -> Iterator[str]:
    """Every tether module ``path`` imports at run time, resolved to modules."""
    tree = ast.parse(path.read_text())
    skipped = _type_checking_blocks(tree)
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield full if full in MODULES else node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


GRAPH = {
    name: {dep for dep in _imports(path) if dep in MODULES and dep != name}
    for name, path in MODULES.items()
}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in graph[node]:
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_in_src_tether() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


PURE = ["tether.protocol", "tether.tokens", "tether.errors", "tether.types", "tether.signing"]
PURE += [name for name in MODULES if name.startswith("tether.templates")]
ABOVE_PURE = ("tether.live", "tether.django", "tether.testing", "tether.pubsub", "tether.state")
IO_MODULES = {"asyncio", "socket", "subprocess", "os", "httpx", "redis", "threading", "urllib"}


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_nothing_above_them_and_do_no_io(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    upward = {m for m in imported if m.startswith(ABOVE_PURE)}
    io = {m for m in imported if m.split(".")[0] in IO_MODULES}
    assert not upward and not io, f"{name} imports {sorted(upward | io)}"


# Strings of the Phoenix wire that only protocol.py may spell.
WIRE_STRINGS = {
    "phx_join",
    "phx_leave",
    "phx_reply",
    "phx_error",
    "phx_close",
    "heartbeat",
    "live_patch",
    "live_redirect",
    "cids_will_destroy",
    "cids_destroyed",
    "_csrf_token",
    "_mounts",
    "_mount_attempts",
    "_track_static",
    "_target",
    "liveview_version",
    "lv:",
    "lv:clear-flash",
    "phx_ref",
    "__phoenix_flash__",
    "data-phx-session",
    "data-phx-static",
    "data-phx-main",
    "join",
    "event",
    "info",
    "async",
    "patch",
}


def _string_constants(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    exports = {
        id(constant)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        for constant in ast.walk(node.value)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings and id(node) not in exports:
                yield node.lineno, node.value


def test_no_wire_string_outside_protocol() -> None:
    leaks = [
        f"{path.relative_to(SRC)}:{line}: {value!r}"
        for name, path in MODULES.items()
        if name != "tether.protocol"
        for line, value in _string_constants(path)
        if value in WIRE_STRINGS
    ]
    assert leaks == []


def test_the_wire_string_check_sees_a_leak(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.py"
    leaky.write_text('"""Doc mentions phx_join."""\nEVENT = "phx_join"\n')
    assert list(_string_constants(leaky)) == [(2, "phx_join")]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_400_lines(name: str) -> None:
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines"
