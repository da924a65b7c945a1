"""The dbt project as Dagster assets: seeds, staging, intermediate and mart models.

The manifest is parsed on demand and reused while no file of the dbt project or the
seeds changed (a fingerprint beside it), so a plain `ncii run` on a fresh clone works
without a separate `dbt parse` step and later runs skip the parse.

Each warehouse keeps one dbt target folder (`<warehouse>/dbt`), so `dbt build` finds the
partial-parse state of its previous run there and parses only what changed; a new warehouse's
folder starts from the state of that parse (every warehouse has the same profile: dbt runs in
the warehouse folder, see `dbt_in_warehouse.py`). dbt checks that state itself (project files,
dbt version, the profile's connection values) and parses in full when it does not match, so
reusing it is never less correct than a full parse.
"""

import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from orchestration.resources import WarehouseResource
from orchestration.settings import DBT_PROJECT_DIR, SEEDS_DIR, Settings
from orchestration.transformation import dbt_in_warehouse

DBT_TARGET_DIR = DBT_PROJECT_DIR / "target"
MANIFEST_PATH = DBT_TARGET_DIR / "manifest.json"
PARTIAL_PARSE_NAME = "partial_parse.msgpack"
FINGERPRINT_PATH = DBT_TARGET_DIR / "manifest.fingerprint"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def project_fingerprint() -> str:
    """Hash of every file dbt parses, so a stale manifest is never used."""
    digest = hashlib.sha256()
    roots = [DBT_PROJECT_DIR / name for name in ("dbt_project.yml", "profiles.yml", "models", "macros", "tests")]
    roots.append(SEEDS_DIR)
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(str(path.relative_to(DBT_PROJECT_DIR.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_manifest() -> Path:
    """Parse the dbt project unless the manifest matches the current files (safe across processes)."""
    DBT_TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with open(DBT_TARGET_DIR / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fingerprint = project_fingerprint()
        if MANIFEST_PATH.exists() and FINGERPRINT_PATH.exists() and FINGERPRINT_PATH.read_text() == fingerprint:
            return MANIFEST_PATH
        # The same environment the build gets (a macro reads NCII_SUPPRESSION_K), so the parse state also fits
        # the first build of a new warehouse. Parsing opens no database: plain `dbt`, in any folder.
        env = {**os.environ, **Settings.from_env().dbt_env()}
        dbt = Path(sys.executable).with_name("dbt")
        result = subprocess.run(
            [
                str(dbt),
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(DBT_TARGET_DIR),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed: {(result.stdout + result.stderr).strip()[-2000:]}")
        FINGERPRINT_PATH.write_text(fingerprint)
    return MANIFEST_PATH


def prepare_target_dir(settings: Settings) -> Path:
    """The warehouse's dbt target folder; a new one starts from the parse state of `ensure_manifest`."""
    target = settings.dbt_target_dir
    target.mkdir(parents=True, exist_ok=True)
    shared_state = DBT_TARGET_DIR / PARTIAL_PARSE_NAME
    if not (target / PARTIAL_PARSE_NAME).exists() and shared_state.exists():
        shutil.copyfile(shared_state, target / PARTIAL_PARSE_NAME)
    return target


class WarehouseDbtTranslator(DagsterDbtTranslator):
    """Sources are the ingestion assets (`raw_<table>`); models are grouped by their dbt folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(f"raw_{dbt_resource_props['name']}")
        return dg.AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


@dbt_assets(manifest=ensure_manifest(), project=dbt_project, dagster_dbt_translator=WarehouseDbtTranslator())
def warehouse_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    """`dbt build`: seeds, models and their dbt tests, in dependency order, into warehouse.duckdb."""
    settings = warehouse.settings()
    os.environ.update(settings.dbt_env())  # the dbt subprocess inherits this environment
    target = prepare_target_dir(settings)
    started = time.time()
    invocation = dbt.cli(["build"], context=context, target_path=target, raise_on_error=False)
    yield from invocation.stream()
    if not invocation.is_successful():  # dagster-dbt's own error names no model or test
        raise DbtBuildFailed(describe_dbt_failure(target / "run_results.json", started))


class DbtBuildFailed(Exception):
    """`dbt build` failed; the message names what failed (a model, a test, a seed) and never a data value."""


FAILED_STATUSES = ("error", "fail", "runtime error")


def describe_dbt_failure(run_results: Path, started: float, shown: int = 3) -> str:
    """One line naming the failed nodes of this build, from dbt's run_results.json.

    Only names and failing-row counts: a dbt error message can quote a value of the data.
    A results file older than the build is the previous build's: dbt then failed before running any node.
    """
    if not run_results.exists() or run_results.stat().st_mtime < started:
        return "dbt build failed before running any model (a project or parse error): see the dbt log"
    results = json.loads(run_results.read_text()).get("results", [])
    failed = [r for r in results if r.get("status") in FAILED_STATUSES]
    if not failed:
        return "dbt build failed: see the dbt log"
    names = []
    for result in failed[:shown]:
        kind, _, name = result["unique_id"].split(".", 2)
        name = name.split(".")[-2] if kind == "test" and name.count(".") else name.split(".")[-1]
        rows = f", {result['failures']} failing rows" if kind == "test" and result.get("failures") else ""
        names.append(f"{kind} {name} ({result['status']}{rows})")
    more = f" and {len(failed) - shown} more" if len(failed) > shown else ""
    return f"dbt build failed: {'; '.join(names)}{more}; see the dbt log"


class WarehouseDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two fixed costs this project does not use (3.7 s a run).

    Before every `dbt build` the stock resource runs `dbt --version` in a subprocess (1.5 s) to learn
    the version of the executable, and loads the dbt project's macros in-process to hold an adapter
    (2.2 s) that only its optional row-count and column-metadata fetches use. The executable is the
    dbt-core of this environment, so its version is read from the installed package; no adapter is held.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def dbt_resource() -> DbtCliResource:
    return WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=str(dbt_in_warehouse.EXECUTABLE))
