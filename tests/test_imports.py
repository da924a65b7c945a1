"""How the `orchestration` package loads: no import circle."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

from orchestration.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "orchestration"


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports.

    Every import statement counts, also those inside functions: a deferred import still makes one module
    need the other when it runs, and the circle this test was written for (automation -> runner ->
    definitions -> automation) went through one. A name imported from a package counts as its submodule
    when there is one. The packages' `__init__.py` files import nothing, so the parents loaded on the way
    are left out.
    """
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the package, one level up per extra dot
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:  # `import orchestration.x.y` may name a module's member
                    target = target.rpartition(".")[0]
                if target and target != name:
                    imported.add(target)
        graph[name] = imported
    return graph


def test_the_package_has_no_import_circle() -> None:
    graph = import_graph()
    assert "orchestration.automation" in graph["orchestration.definitions"]  # the graph sees imports at all
    assert "orchestration.definitions" in graph["orchestration.runner"]  # and deferred ones
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as circle:
        pytest.fail(f"import circle: {' -> '.join(circle.args[1])}")
