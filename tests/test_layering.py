"""``careerkg.graph`` has no import cycle: every module imports in a fresh interpreter, and
the imports read from the source (at module level, and also inside functions, where a cycle
would only be hidden) form no cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

GRAPH = Path(__file__).resolve().parent.parent / "graph"
PACKAGE = "careerkg.graph"


def _module_name(path: Path, root: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".") if is_package else current.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph(root: Path, package: str, *, module_level_only: bool) -> dict[str, set[str]]:
    """Module → the modules of ``package`` it imports (from the source, not by running it)."""
    files = {_module_name(p, root, package): p for p in sorted(root.rglob("*.py"))}
    edges: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = ast.walk(tree) if not module_level_only else _module_level(tree.body)
        for node in nodes:
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, path.name == "__init__.py", node)
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                if target in files and target != name:
                    edges[name].add(target)
    return edges


def _module_level(body: list[ast.stmt]):
    """The statements that run on import: the body, and the bodies of top-level if / try /
    with blocks (not functions or classes' methods)."""
    for node in body:
        yield node
        if isinstance(node, ast.If | ast.Try | ast.With):
            for block in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(node, block, []))
            for handler in getattr(node, "handlers", []):
                yield from _module_level(handler.body)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (a list of modules, first repeated last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


@pytest.mark.parametrize("module_level_only", [True, False], ids=["module-level", "all"])
def test_the_graph_package_has_no_import_cycle(module_level_only):
    edges = import_graph(GRAPH, PACKAGE, module_level_only=module_level_only)
    assert f"{PACKAGE}.store" in edges and edges[f"{PACKAGE}.factory"]
    assert find_cycle(edges) is None, " → ".join(find_cycle(edges))


def test_the_stores_sit_below_the_factory():
    edges = import_graph(GRAPH, PACKAGE, module_level_only=False)
    below = {"store", "remote", "executor", "loading", "builtin", "results"}
    for name in below:
        assert f"{PACKAGE}.factory" not in edges[f"{PACKAGE}.{name}"], name
    assert {f"{PACKAGE}.{m}" for m in ("store", "remote", "executor", "loading")} <= \
        edges[f"{PACKAGE}.factory"]


def test_the_check_finds_a_cycle_hidden_in_a_function(tmp_path):
    """Today's tree before the factory: store imported builtin inside open_store, and
    builtin imported store at module level."""
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "store.py").write_text("def open_store():\n    from .builtin import seed\n")
    (tmp_path / "builtin.py").write_text("from .store import open_store\n")
    hidden = import_graph(tmp_path, "pkg", module_level_only=True)
    assert find_cycle(hidden) is None
    found = find_cycle(import_graph(tmp_path, "pkg", module_level_only=False))
    assert found == ["pkg.builtin", "pkg.store", "pkg.builtin"]
    (tmp_path / "store.py").write_text("from . import builtin\n")
    assert find_cycle(import_graph(tmp_path, "pkg", module_level_only=True))


def test_every_graph_module_imports_alone_in_a_fresh_interpreter():
    modules = sorted(import_graph(GRAPH, PACKAGE, module_level_only=True))
    program = (
        "import subprocess, sys\n"
        "failed = [m for m in sys.argv[1:] if subprocess.run("
        "[sys.executable, '-c', f'import {m}'], capture_output=True).returncode]\n"
        "print(' '.join(failed))\n"
    )
    done = subprocess.run([sys.executable, "-c", program, *modules], capture_output=True,
                          text=True, timeout=300, check=True)
    assert done.stdout.strip() == ""
