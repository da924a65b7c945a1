"""Settings as a value: read once at an edge, handed to Dagster as its resource and to dbt on its command line.

No run reads or writes this process's environment; the pseudonym key and the webhook URL never reach Dagster's
config (its UI shows a resource's config); every DuckDB connection gets the memory cap.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import duckdb
import pytest

from orchestration import cli, database
from orchestration.publishing.exports import SANDBOX_CONFIG
from orchestration.resources import WarehouseResource
from orchestration.settings import DBT_VARIABLES, DUCKDB_MEMORY_LIMIT, REPO_ROOT, Settings, SettingsError
from orchestration.transformation import dbt_in_warehouse
from tests.conftest import TEST_KEY, fixture_landing, make_settings

WEBHOOK = "https://hooks.example.org/services/T000/B000/not-a-real-token"


def every_setting(tmp_path: Path) -> Settings:
    return make_settings(
        tmp_path / "landing",
        tmp_path / "warehouse",
        k=7,
        NCII_ALERT_WEBHOOK_URL=WEBHOOK,
        NCII_DRIFT_BASELINE_MONTHS="9",
        NCII_FRESHNESS_DAYS="40",
        NCII_DSA_ENGINE="spark",
        NCII_SPARK_MASTER="sc://spark.example.org:15002",
        NCII_DSA_SCRATCH_DIR=str(tmp_path / "scratch"),
        NCII_LANDING_QUIET_SECONDS="1.5",
    )


def test_a_run_reads_no_ncii_variable_and_leaves_the_environment_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The settings reach the job through its resource and dbt through ncii-dbt's command line: with no
    `NCII_*` variable set, dbt still builds in the settings' warehouse with their k (3, not the default 5)."""
    from orchestration.runner import run_main_job

    for name in [name for name in os.environ if name.startswith("NCII_")]:
        monkeypatch.delenv(name)
    landing = fixture_landing(tmp_path / "landing", ["childfocus_cases_20260201.csv", "igvm_reports_20260301.jsonl"])
    settings = make_settings(landing, tmp_path / "warehouse", k=3)
    before = dict(os.environ)
    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason
    assert dict(os.environ) == before
    compiled = next(settings.dbt_target_dir.glob("compiled/*/models"))  # dbt's target folder is the warehouse's
    # k as the marts' suppression applies it: the survey's primary suppression and the helpline marts' grid
    assert "between 1 and 3 - 1" in (compiled / "marts" / "survey" / "survey_prevalence.sql").read_text()
    suppressed_cells = (compiled / "intermediate" / "disclosure" / "int_suppressed_cells.py").read_text()
    assert "'suppression_k': '3'" in suppressed_cells
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as conn:  # dbt built the settings' database
        assert conn.execute("SELECT count(*) FROM marts.platform_monthly").fetchone()[0] > 0


def test_ncii_dbt_takes_the_settings_dbt_needs_on_its_command_line(tmp_path: Path) -> None:
    settings = every_setting(tmp_path)
    arguments = dbt_in_warehouse.settings_arguments(settings)
    assert arguments == [f"NCII_WAREHOUSE_DIR={settings.warehouse_dir}", "NCII_SUPPRESSION_K=7"]
    given, rest = dbt_in_warehouse.split_settings([*arguments, "build", "--vars", "a=b"])
    assert given == settings.environment(DBT_VARIABLES) and rest == ["build", "--vars", "a=b"]
    assert TEST_KEY not in " ".join(arguments) and WEBHOOK not in " ".join(arguments)


def test_the_settings_survive_the_environment_and_the_resource_unchanged(tmp_path: Path) -> None:
    settings = every_setting(tmp_path)
    assert Settings.from_env(settings.environment()) == settings  # what `ncii dev` hands Dagster
    assert WarehouseResource.from_settings(settings).settings() == settings
    assert Settings.from_env({}) == Settings().with_key_file()  # one default per setting: the dataclass's


def test_the_key_and_the_webhook_never_reach_dagsters_config(tmp_path: Path) -> None:
    """Dagster shows a resource's config in its UI and stores it in the code location's snapshot."""
    from dagster._core.remote_representation.external_data import RepositorySnap
    from dagster_shared.serdes import serialize_value

    from orchestration.definitions import MAIN_JOB_NAME, build_definitions

    settings = every_setting(tmp_path)
    defs = build_definitions(settings)
    snapshot = serialize_value(RepositorySnap.from_def(defs.get_repository_def()))
    assert str(settings.warehouse_dir) in snapshot and '"suppression_k"' in snapshot  # the config is shown
    assert TEST_KEY not in snapshot and WEBHOOK not in snapshot
    job = serialize_value(defs.resolve_job_def(MAIN_JOB_NAME).get_job_snapshot())  # what each run stores
    assert str(settings.warehouse_dir) in job and TEST_KEY not in job and WEBHOOK not in job
    resource = defs.resources["warehouse"]
    assert TEST_KEY not in repr(resource) and WEBHOOK not in repr(resource)
    assert resource.settings().pseudonym_key == TEST_KEY.encode() and resource.settings().alert_webhook_url == WEBHOOK


def test_settings_out_of_bounds_are_refused_however_they_are_made(tmp_path: Path) -> None:
    """A resource's config can be changed at launch: the value it gives back is checked like `from_env`."""
    fields = WarehouseResource.from_settings(make_settings(tmp_path, tmp_path / "warehouse"))
    with pytest.raises(SettingsError, match="NCII_SUPPRESSION_K must be from 2 to 100"):
        fields.model_copy(update={"suppression_k": 1}).settings()
    with pytest.raises(SettingsError, match="NCII_DSA_ENGINE"):
        Settings(dsa_engine="oracle")


def test_the_definitions_module_reads_the_environment_when_dagster_loads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration import definitions

    monkeypatch.setenv("NCII_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("NCII_SUPPRESSION_K", "4")
    resource = definitions.defs().resources["warehouse"]  # `@dg.definitions`: what `dagster dev` calls
    assert resource.warehouse_dir == str(tmp_path / "warehouse") and resource.suppression_k == 4


def test_ncii_reads_the_environment_once_and_hands_the_settings_to_its_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    reads: list[Settings] = []
    from_env = Settings.from_env

    def counted(env=None) -> Settings:
        reads.append(from_env(env))
        return reads[-1]

    monkeypatch.setattr(Settings, "from_env", staticmethod(counted))
    monkeypatch.setenv("NCII_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    assert cli.main(["report"]) == 2  # nothing published: one line, after one read of the settings
    assert len(reads) == 1 and "nothing published yet" in capsys.readouterr().err


def test_every_duckdb_connection_of_the_pipeline_goes_through_one_function() -> None:
    """`database.connect` applies the memory cap and turns the progress bar off; nothing else calls DuckDB's."""
    helper = REPO_ROOT / "orchestration" / "database.py"
    direct = []
    for path in sorted((REPO_ROOT / "orchestration").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "duckdb"
            for alias in node.names
            if alias.name == "connect"
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            by_module = isinstance(func, ast.Attribute) and func.attr == "connect" and _names_duckdb(func.value)
            by_name = isinstance(func, ast.Name) and func.id in imported
            if (by_module or by_name) and path != helper:
                direct.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert direct == []
    assert "duckdb.connect(" in helper.read_text()  # the check sees a call when there is one


def _names_duckdb(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "duckdb"


def test_the_helpers_connections_have_the_memory_cap_and_no_progress_bar(tmp_path: Path) -> None:
    reference = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY_LIMIT})
    cap = reference.execute("SELECT current_setting('memory_limit')").fetchone()
    for conn in (database.connect(), database.connect(tmp_path / "sandboxed.duckdb", config=SANDBOX_CONFIG)):
        assert conn.execute("SELECT current_setting('memory_limit')").fetchone() == cap
        assert conn.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
    with pytest.raises(duckdb.InvalidInputException, match="locked"):  # the sandbox stays locked
        conn.execute("SET memory_limit = '64GB'")
    assert DUCKDB_MEMORY_LIMIT not in (REPO_ROOT / "dbt_project" / "profiles.yml").read_text()  # one value, passed
