"""How the `orchestration` package loads: no import circle, and loading the definitions runs no dbt command."""

from __future__ import annotations

import ast
import graphlib
import json
import os
import subprocess
import sys
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
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
                ]
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


# Run in a fresh interpreter: every way this process can start dbt is traced before the definitions load.
TRACE_IMPORT = """
import json, os, subprocess, sys

started = []
popen = subprocess.Popen.__init__
def traced_popen(self, args, *rest, **kwargs):
    started.append([str(arg) for arg in args] if isinstance(args, (list, tuple)) else str(args).split())
    popen(self, args, *rest, **kwargs)
subprocess.Popen.__init__ = traced_popen
system = os.system
os.system = lambda command: started.append(command.split()) or system(command)

from dbt.cli.main import dbtRunner
invoke = dbtRunner.invoke
def traced_invoke(self, args, **kwargs):
    started.append(["dbtRunner", *args])
    return invoke(self, args, **kwargs)
dbtRunner.invoke = traced_invoke

import orchestration.transformation.manifest as manifest
ensure_manifest = manifest.ensure_manifest
prepared = []
def traced_ensure_manifest():
    prepared.append(True)
    return ensure_manifest()
manifest.ensure_manifest = traced_ensure_manifest

import orchestration.definitions
orchestration.definitions.defs()  # and load them, as Dagster does (the settings are read from the environment)
print(json.dumps({"started": started, "prepared": len(prepared)}))
"""


DBT_COMMANDS = {"dbt", "dbtf", "ncii-dbt", "dbtRunner"}  # other commands may run (Python's `platform` starts `file`)


def _import_definitions(tmp_path: Path, dev: bool) -> dict:
    """The dbt commands started while the definitions were imported, and how often the project was prepared."""
    fake_bin = tmp_path / "bin"  # any `dbt` found on PATH fails loudly
    fake_bin.mkdir()
    for name in ("dbt", "dbtf", "ncii-dbt"):
        (fake_bin / name).write_text('#!/bin/sh\necho "dbt started: $*" >&2\nexit 99\n')
        (fake_bin / name).chmod(0o755)
    env = {name: value for name, value in os.environ.items() if name != "DAGSTER_IS_DEV_CLI"}
    env.update({"PATH": f"{fake_bin}{os.pathsep}{env.get('PATH', '')}", "NCII_WAREHOUSE_DIR": str(tmp_path / "w")})
    if dev:
        env["DAGSTER_IS_DEV_CLI"] = "1"  # what `dagster dev` sets
    result = subprocess.run(
        [sys.executable, "-c", TRACE_IMPORT], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    traced = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "dbt": [argv for argv in traced["started"] if argv and Path(argv[0]).name in DBT_COMMANDS],
        "prepared": traced["prepared"],
    }


def test_importing_the_definitions_runs_no_dbt_command(tmp_path: Path) -> None:
    """The manifest is read, never made, when the definitions load (conftest prepared it for the session)."""
    traced = _import_definitions(tmp_path, dev=False)
    assert traced == {"dbt": [], "prepared": 0}


def test_under_dagster_dev_the_definitions_prepare_the_project_and_reuse_a_current_parse(tmp_path: Path) -> None:
    traced = _import_definitions(tmp_path, dev=True)
    assert traced == {"dbt": [], "prepared": 1}


def test_a_stale_manifest_stops_the_load_with_the_fix(monkeypatch) -> None:
    """Loading from a manifest older than the project would build from a stale asset graph: it stops instead."""
    from orchestration.transformation import manifest
    from orchestration.transformation.dbt_assets import dbt_project

    assert dbt_project.manifest_path == manifest.MANIFEST_PATH  # what the preparation writes is what is read
    assert manifest.require_current_manifest() == manifest.MANIFEST_PATH
    monkeypatch.setattr(manifest, "project_fingerprint", lambda: "a dbt model changed since the parse")
    with pytest.raises(manifest.DbtProjectNotPrepared, match="make prepare"):
        manifest.require_current_manifest()
