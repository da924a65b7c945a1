"""The asset graph: one Definitions, sources wired to ingestion, every mart gated before publication."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import dagster as dg

from orchestration.definitions import MAIN_JOB_NAME, build_definitions
from orchestration.settings import DBT_PROJECT_DIR, PUBLISHED_MARTS, Settings
from orchestration.transformation import dbt_in_warehouse

defs = build_definitions(Settings())  # the graph is the same for every warehouse


def test_asset_graph_groups_and_edges() -> None:
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {k for k, g in groups.items() if g == "raw"} == {
        "raw_childfocus_cases",
        "raw_igvm_reports",
        "raw_takedown_requests",
        "raw_survey_responses",
        "raw_platform_alias_keys",
        "raw_dsa_daily_counts",
        "raw_dsa_daily_durations",
        "raw_dsa_loads",
    }
    assert {k for k, g in groups.items() if g == "marts"} == set(PUBLISHED_MARTS)
    # the models that map platform names read the alias seed's hashes, written by the run before them
    for model in ("int_case_platforms", "int_takedown_requests"):
        assert dg.AssetKey("raw_platform_alias_keys") in graph.get(dg.AssetKey(model)).parent_keys
    assert groups["published_marts"] == "published"
    assert groups["source_monitoring"] == "monitoring"
    assert {"stg_childfocus__cases", "stg_igvm__reports", "stg_takedown__requests", "stg_survey__responses"} <= {
        k for k, g in groups.items() if g == "staging"
    }
    # dbt sources are the ingestion assets, not separate external assets
    upstream = {p.to_user_string() for p in graph.get(dg.AssetKey("stg_childfocus__cases")).parent_keys}
    assert upstream == {"raw_childfocus_cases"}
    publish_parents = {p.to_user_string() for p in graph.get(dg.AssetKey("published_marts")).parent_keys}
    assert publish_parents == {*PUBLISHED_MARTS, "source_monitoring"}
    # drift is computed on the case-level models, before (and independent of) the marts
    monitoring_parents = {p.to_user_string() for p in graph.get(dg.AssetKey("source_monitoring")).parent_keys}
    assert monitoring_parents == {"int_cases", "int_case_platforms", "int_takedown_requests", "raw_dsa_loads"}


def test_every_raw_batch_and_mart_has_a_blocking_gx_check() -> None:
    graph = defs.resolve_asset_graph()
    gx = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys if key.name.startswith("gx_")}
    raw = ["raw_childfocus_cases", "raw_igvm_reports", "raw_takedown_requests", "raw_survey_responses"]
    assert set(gx) == {f"gx_{name}" for name in [*PUBLISHED_MARTS, *raw]}
    assert all(spec.blocking for spec in gx.values())
    assert {gx[f"gx_{m}"].asset_key.to_user_string() for m in PUBLISHED_MARTS} == set(PUBLISHED_MARTS)


def test_the_main_job_selects_every_asset_and_check() -> None:
    graph = defs.resolve_asset_graph()
    job = defs.resolve_job_def(MAIN_JOB_NAME)
    assert job.asset_layer.executable_asset_keys == graph.get_all_asset_keys() - {
        k for k in graph.get_all_asset_keys() if not graph.get(k).is_executable
    }
    assert set(job.asset_layer.asset_graph.asset_check_keys) == set(graph.asset_check_keys)


def test_drift_checks_cover_every_source_and_never_block() -> None:
    graph = defs.resolve_asset_graph()
    drift = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys if key.name.startswith("drift_")}
    checks = ["freshness", "volume", "distribution_shift", "missing_rate", "unmapped_value"]
    assert set(drift) == {f"drift_{s}_{c}" for s in ("childfocus", "igvm", "takedown") for c in checks}
    assert not any(spec.blocking for spec in drift.values())


def test_sensors_and_schedule_target_the_main_job() -> None:
    assert {s.name for s in defs.sensors} == {"landing_sensor", "alert_on_run_failure"}
    schedule = defs.resolve_schedule_def("daily_safety_net")
    assert schedule.job_name == MAIN_JOB_NAME
    assert schedule.execution_timezone == "Europe/Brussels"
    assert defs.resolve_sensor_def("landing_sensor").job_name == MAIN_JOB_NAME


def test_the_dbt_resource_knows_the_version_of_its_executable() -> None:
    """The resource reads dbt's version from the installed package instead of running `dbt --version`
    before every build: both must agree, or dagster-dbt would treat the executable as something else.
    `dbt --version` itself is not run here: it asks the package index for dbt's newest release."""
    from dbt.version import get_installed_version
    from packaging import version

    resource = defs.resources["dbt"]
    # ncii-dbt, installed beside this interpreter: it runs the dbt-core this process imports
    assert Path(resource.dbt_executable) == dbt_in_warehouse.EXECUTABLE and dbt_in_warehouse.EXECUTABLE.is_file()
    installed = get_installed_version().to_version_string(skip_matcher=True)  # what `dbt --version` prints
    assert resource._cli_version == version.parse(installed)
    assert resource._cli_version.major < 2  # dbt-core, not the fusion engine


def test_plain_dbt_refuses_to_run_and_names_ncii_dbt(tmp_path: Path) -> None:
    """Plain `dbt` typed in dbt_project/ would open a second, empty `warehouse.duckdb` there (the profile's path
    is relative): the profile stops it at once, naming `ncii-dbt`, even with NCII_WAREHOUSE_DIR set (the README
    has operators export it). `dbt debug` is the command that would connect, and so create the database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "NCII_DBT_"))}
    env["NCII_WAREHOUSE_DIR"] = str(tmp_path / "warehouse")
    before = sorted(p.name for p in DBT_PROJECT_DIR.iterdir())
    result = subprocess.run(
        [str(dbt_in_warehouse.EXECUTABLE.with_name("dbt")), "debug", "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "Env var required but not provided: 'NCII_DBT_WRAPPER" in output and "`ncii-dbt`" in output, output[-2000:]
    assert sorted(p.name for p in DBT_PROJECT_DIR.iterdir()) == before  # no database made where it was typed
    assert not (tmp_path / "warehouse").exists()


def test_ncii_dbt_opens_the_warehouse_database_wherever_it_is_typed(tmp_path: Path) -> None:
    """The profile's database path is relative: `ncii-dbt` must run dbt in the warehouse folder, and paths
    on its command line still mean what they meant where the command was typed."""
    elsewhere, warehouse = tmp_path / "elsewhere", tmp_path / "warehouse"
    elsewhere.mkdir()
    result = subprocess.run(
        [
            str(dbt_in_warehouse.EXECUTABLE),
            "debug",
            "--project-dir",
            os.path.relpath(DBT_PROJECT_DIR, elsewhere),
            "--log-path",
            "logs",
        ],
        cwd=elsewhere,
        env={**os.environ, "NCII_WAREHOUSE_DIR": str(warehouse)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert (warehouse / "warehouse.duckdb").is_file()  # dbt debug connected to the warehouse's database
    assert [p.name for p in elsewhere.iterdir()] == ["logs"]  # and created no database where it was typed
    assert (elsewhere / "logs" / "dbt.log").is_file()
