"""The dbt project as Dagster assets: seeds, staging, intermediate and mart models.

Importing this module runs no dbt command: the assets are read from the manifest the dbt project was
prepared into (`manifest.py`), by `ncii run` and the tests before they load the definitions, by
`dagster dev` through `prepare_if_dev`, by `make prepare` before the daemon or webserver start on their own.
Each warehouse builds in its own dbt target folder, which starts from the parse state of that preparation
(`prepare_target_dir`).
"""

import json
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, DbtProjectPreparer, dbt_assets

from orchestration._compat import SkipDbtProbes
from orchestration.resources import WarehouseResource
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.transformation import dbt_in_warehouse
from orchestration.transformation.manifest import ensure_manifest, prepare_target_dir, require_current_manifest


class WarehouseDbtProjectPreparer(DbtProjectPreparer):
    """Prepares the project under `dagster dev` with the same parse as `ncii run`: `ensure_manifest`.

    dagster-dbt's default preparer parses at every load, with whichever `dbt` is first on PATH, and
    rewrites the seeds' entries of the parse state every new warehouse starts from; this one parses only
    when a file of the project changed. dagster-dbt 0.29's `DbtProject` takes no preparer, so it is
    called with the project (its public `prepare_if_dev`).
    """

    def prepare_if_dev(self, project: DbtProject) -> None:
        if self.using_dagster_dev():
            self.prepare(project)

    def prepare(self, project: DbtProject) -> None:
        ensure_manifest()


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
WarehouseDbtProjectPreparer().prepare_if_dev(dbt_project)  # `dagster dev` only: elsewhere it was prepared before
require_current_manifest()  # a missing or stale manifest stops the load; no dbt command runs here


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


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=WarehouseDbtTranslator())
def warehouse_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    """`dbt build`: seeds, models and their dbt tests, in dependency order, into warehouse.duckdb."""
    settings = warehouse.settings()
    target = prepare_target_dir(settings)
    started = time.time()
    # the settings dbt reads travel on ncii-dbt's command line: `cli` takes no environment (see dbt_in_warehouse)
    command = [*dbt_in_warehouse.settings_arguments(settings), "build"]
    invocation = dbt.cli(command, context=context, target_path=target, raise_on_error=False)
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


class WarehouseDbtCliResource(SkipDbtProbes, DbtCliResource):
    """dagster-dbt's dbt CLI resource without the `dbt --version` run and the in-process adapter it makes
    before every `dbt build` (a fixed cost of every run; see `SkipDbtProbes`)."""


def dbt_resource() -> DbtCliResource:
    return WarehouseDbtCliResource(project_dir=dbt_project, dbt_executable=str(dbt_in_warehouse.EXECUTABLE))
