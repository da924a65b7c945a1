"""The incremental intermediate models: a new month merged into the history gives exactly what a full
refresh on the same landing folder gives, and a changed taxonomy rebuilds what depends on it.

Uses the hand-written fixture exports (tests/fixtures/landing), landed in two batches:
  history:   childfocus_cases_20260201.csv, takedown_requests_20260301.csv
  new month: childfocus_cases_20260301.csv, igvm_reports_20260301.jsonl
so that between the two runs CF-2026-000001 closes (open in February, closed in March),
CF-2026-000003 gets its age and AI flag, CF-2026-000005 is new, and takedown request TD-0000004,
loaded in the history before its case IGVM-2026-000002 is in any export, must move under that
case once the IGVM export lands.

Ingestion is the real one (orchestration.ingestion); dbt runs as a subprocess (`dbt build`,
models and their dbt tests) on a copy of the dbt project and seeds, so that the taxonomy can be
edited without touching the repository. The copy starts with a taxonomy that lacks the alias
`insta` (counted as `other`); the last test adds it, as an analyst would after the unmapped-value
alert.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.ingest import ingest_source
from orchestration.ingestion.ledger import mark_published
from orchestration.ingestion.platform_aliases import write_platform_alias_keys
from orchestration.ingestion.pseudonymise import pseudonym
from orchestration.settings import DBT_PROJECT_DIR, SEEDS_DIR, Settings
from orchestration.transformation import dbt_in_warehouse
from tests.conftest import TEST_KEY, clone_warehouse, fixture_landing, make_settings

HISTORY = ["childfocus_cases_20260201.csv", "takedown_requests_20260301.csv"]
NEW_MONTH = ["childfocus_cases_20260301.csv", "igvm_reports_20260301.jsonl"]
INCREMENTAL_MODELS = ("int_cases", "int_case_platforms", "int_takedown_requests")
LINEAGE = {
    "loaded_at",
    "case_loaded_at",
    "built_at",
}  # when a row's export was loaded or written: differs between two warehouses
MART_TABLES = ("platform_monthly", "victim_demographics_quarterly", "platform_exposure_vs_reports")


def key(reference: str) -> int:
    return pseudonym(TEST_KEY.encode(), reference)


def copy_project(target: Path, drop_alias: str | None = None) -> Path:
    """The dbt project and the seeds beside it, as in the repository (seed-paths is ../seeds)."""
    shutil.copytree(DBT_PROJECT_DIR, target / DBT_PROJECT_DIR.name, ignore=shutil.ignore_patterns("target", "logs"))
    shutil.copytree(SEEDS_DIR, target / SEEDS_DIR.name)
    if drop_alias is not None:
        aliases = target / SEEDS_DIR.name / "platform_aliases.csv"
        lines = aliases.read_text().splitlines(keepends=True)
        aliases.write_text("".join(line for line in lines if not line.startswith(f"{drop_alias},")))
    return target / DBT_PROJECT_DIR.name


def set_alias(project: Path, alias: str, platform: str) -> None:
    with (project.parent / SEEDS_DIR.name / "platform_aliases.csv").open("a") as handle:
        handle.write(f"{alias},{platform}\n")


def ingest(settings: Settings) -> None:
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_db)) as conn:
        for source in ("childfocus", "igvm", "takedown", "survey"):
            ingest_source(conn, settings, source)


def build(project: Path, settings: Settings) -> dict[str, str]:
    """`dbt build` on the warehouse; returns how each incremental model was built: merged or rebuilt."""
    result = dbt_build(project, settings)
    assert result.returncode == 0, result.stdout[-3000:]
    target = project.parent / "target"
    how = {}
    for model in INCREMENTAL_MODELS:
        executed = (
            target / "run" / "ncii_warehouse" / "models" / "intermediate" / "helpline" / f"{model}.sql"
        ).read_text()
        how[model] = "merged" if "delete from" in executed.lower() else "rebuilt"
    return how


def dbt_build(project: Path, settings: Settings) -> subprocess.CompletedProcess:
    """`dbt build` as the pipeline runs it: `ncii-dbt`, in the warehouse folder (all warehouses share one
    profile, so the module's project is parsed once), after the alias seed's hashes (as a run writes them)."""
    with duckdb.connect(str(settings.warehouse_db)) as conn:
        write_platform_alias_keys(conn, settings.require_key(), project.parent / SEEDS_DIR.name)
    target = project.parent / "target"
    return subprocess.run(
        [
            str(dbt_in_warehouse.EXECUTABLE),
            *dbt_in_warehouse.settings_arguments(settings),
            "build",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(target),
            "--log-path",
            str(project.parent / "logs"),
        ],
        capture_output=True,
        text=True,
    )


def table_rows(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    columns = [c for (c,) in conn.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall() if c not in LINEAGE]
    listed = ", ".join(columns)
    return conn.execute(f"SELECT {listed} FROM {table} ORDER BY ALL").fetchall()


def differences(incremental: Path, full: Path) -> dict[str, str]:
    """Tables whose rows differ (lineage times aside) between the two warehouses."""
    found = {}
    with duckdb.connect(str(incremental), read_only=True) as a, duckdb.connect(str(full), read_only=True) as b:
        for table in [*(f"intermediate.{m}" for m in INCREMENTAL_MODELS), *(f"marts.{m}" for m in MART_TABLES)]:
            left, right = table_rows(a, table), table_rows(b, table)
            assert left or right, f"{table} is empty in both warehouses: nothing compared"
            if left != right:
                # rows hold lists (platform names), which sets cannot: compared one by one
                found[table] = (
                    f"{len(left)} rows vs {len(right)}; only incremental: {[r for r in left if r not in right][:3]}; "
                    f"only full: {[r for r in right if r not in left][:3]}"
                )
    return found


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """History then the new month into one warehouse (incremental); all files at once into another (full)."""
    root = tmp_path_factory.mktemp("incremental")
    project = copy_project(root / "project", drop_alias="insta")
    landing = fixture_landing(root / "landing", HISTORY)
    incremental = make_settings(landing, root / "incremental", k=2)
    ingest(incremental)
    first = build(project, incremental)
    fixture_landing(landing, NEW_MONTH)
    ingest(incremental)
    second = build(project, incremental)
    full = make_settings(fixture_landing(root / "landing_all", HISTORY + NEW_MONTH), root / "full", k=2)
    ingest(full)
    build(project, full)
    return {"project": project, "incremental": incremental, "full": full, "first": first, "second": second}


def test_the_new_month_is_merged_not_rebuilt(runs) -> None:
    assert runs["first"] == dict.fromkeys(INCREMENTAL_MODELS, "rebuilt")  # empty warehouse
    assert runs["second"] == dict.fromkeys(INCREMENTAL_MODELS, "merged")


def test_an_incremental_month_gives_exactly_the_full_refresh(runs) -> None:
    assert differences(runs["incremental"].warehouse_db, runs["full"].warehouse_db) == {}


def test_a_case_that_closes_later_counts_once_with_its_latest_values(runs) -> None:
    with duckdb.connect(str(runs["incremental"].warehouse_db), read_only=True) as conn:
        assert conn.execute(
            "SELECT count(*) FROM intermediate.int_cases WHERE case_key = ?", [key("CF-2026-000001")]
        ).fetchone() == (1,)
        assert conn.execute(
            "SELECT is_open, victim_age FROM intermediate.int_cases WHERE case_key = ?", [key("CF-2026-000001")]
        ).fetchone() == (False, 14)
        # `Telegram` was added to the case in the March export
        assert sorted(
            p
            for (p,) in conn.execute(
                "SELECT platform FROM intermediate.int_case_platforms WHERE case_key = ?", [key("CF-2026-000001")]
            ).fetchall()
        ) == ["instagram", "snapchat", "telegram"]


def test_a_request_moves_under_its_case_when_the_case_arrives(runs) -> None:
    with duckdb.connect(str(runs["incremental"].warehouse_db), read_only=True) as conn:
        assert conn.execute("""SELECT case_source, case_incident_type FROM intermediate.int_takedown_requests
                               WHERE request_id = 'TD-0000004'""").fetchone() == ("igvm", "sextortion")
        assert (
            conn.execute("""SELECT takedown_requests, suppressed FROM marts.platform_monthly
                               WHERE month = DATE '2026-02-01' AND platform = 'x' AND source = 'unknown'""").fetchall()
            == []
        )
        # still unknown: no export holds CF-2026-000099
        assert conn.execute("""SELECT case_source FROM intermediate.int_takedown_requests
                               WHERE request_id = 'TD-0000003'""").fetchone() == ("unknown",)


@pytest.mark.slow  # one more dbt build; test_end_to_end's second run covers the same through Dagster
def test_nothing_new_merges_nothing(runs, tmp_path) -> None:
    settings = clone_warehouse(runs["incremental"], tmp_path / "warehouse")
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as conn:
        before = {m: table_rows(conn, f"intermediate.{m}") for m in INCREMENTAL_MODELS}
    ingest(settings)  # the same files again: the ledger skips them by checksum
    assert build(runs["project"], settings) == dict.fromkeys(INCREMENTAL_MODELS, "merged")
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM raw.load_ledger").fetchone() == (4,)
        assert {m: table_rows(conn, f"intermediate.{m}") for m in INCREMENTAL_MODELS} == before


def test_a_taxonomy_change_rebuilds_the_models_that_use_it(runs, tmp_path) -> None:
    """`insta` joins the alias seed: the history already merged must be re-mapped, not only new rows."""
    # a copy of the module's project (its parse state too, so dbt re-parses only the changed seed)
    shutil.copytree(runs["project"].parent, tmp_path / "project")
    project = tmp_path / "project" / runs["project"].name
    settings = clone_warehouse(runs["incremental"], tmp_path / "warehouse")
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as conn:
        before = conn.execute(
            "SELECT platform FROM intermediate.int_takedown_requests WHERE request_id = 'TD-0000001'"
        ).fetchone()
    assert before == ("other",)  # `Insta` was unknown to the taxonomy
    set_alias(project, "insta", "instagram")
    how = build(project, settings)
    # int_cases does not use platform names: it stays merged; both models that map them are rebuilt
    assert how == {"int_cases": "merged", "int_case_platforms": "rebuilt", "int_takedown_requests": "rebuilt"}
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as conn:
        assert conn.execute(
            "SELECT platform FROM intermediate.int_takedown_requests WHERE request_id = 'TD-0000001'"
        ).fetchone() == ("instagram",)
        assert sorted(
            p
            for (p,) in conn.execute(
                "SELECT platform FROM intermediate.int_case_platforms WHERE case_key = ?", [key("CF-2026-000003")]
            ).fetchall()
        ) == ["instagram", "tiktok"]
    # and the result is what a warehouse built from scratch with the new taxonomy holds
    fresh = make_settings(runs["full"].landing_dir, tmp_path / "fresh", k=2)
    ingest(fresh)
    build(project, fresh)
    assert differences(settings.warehouse_db, fresh.warehouse_db) == {}


def as_older_version(settings: Settings) -> None:
    """Make a warehouse look as one built before pseudonyms were 128-bit integers: the full HMAC as 64
    hexadecimal characters in the raw and intermediate tables, tables fingerprinted by other code."""
    to_hex = "lpad(lower(hex({c})), 32, '0') || sha256({c}::VARCHAR)"  # its first 32 characters are the pseudonym
    with duckdb.connect(str(settings.warehouse_db)) as conn:
        keyed = conn.execute(
            """SELECT table_schema, table_name, column_name FROM information_schema.columns
               WHERE data_type = 'UHUGEINT' AND table_schema IN ('raw', 'intermediate')"""
        ).fetchall()
        assert len(keyed) == 6, keyed  # three raw tables, three incremental models
        for schema, table, column in keyed:
            conn.execute(
                f"ALTER TABLE {schema}.{table} ALTER {column} SET DATA TYPE VARCHAR USING {to_hex.format(c=column)}"
            )
        for model in INCREMENTAL_MODELS:
            conn.execute(f"COMMENT ON TABLE intermediate.{model} IS 'incremental fingerprint of an older version'")


def test_a_warehouse_with_hexadecimal_pseudonyms_is_upgraded_by_the_next_run(runs, tmp_path) -> None:
    """The history was built by the older version; the new month lands after the upgrade. Old and new rows
    of a case must join, and the result must be what a warehouse built from scratch holds."""
    landing = fixture_landing(tmp_path / "landing", HISTORY)
    settings = make_settings(landing, tmp_path / "warehouse", k=2)
    ingest(settings)
    build(runs["project"], settings)
    as_older_version(settings)
    fixture_landing(landing, NEW_MONTH)
    ingest(settings)  # migrates the raw tables, then loads the new month
    assert build(runs["project"], settings) == dict.fromkeys(INCREMENTAL_MODELS, "rebuilt")
    assert differences(settings.warehouse_db, runs["full"].warehouse_db) == {}


def test_intermediate_tests_read_the_rows_written_since_the_last_publication(runs, tmp_path) -> None:
    """A bad row written after the last publication fails the build (and keeps failing while no publication
    includes it); a row written before it was tested then and is not read again."""
    shutil.copytree(runs["project"].parent, tmp_path / "project")
    project = tmp_path / "project" / runs["project"].name
    settings = clone_warehouse(runs["incremental"], tmp_path / "warehouse")
    with duckdb.connect(str(settings.warehouse_db)) as conn:
        mark_published(conn)
        published = conn.execute("SELECT max(published_at) FROM raw.load_ledger").fetchone()[0]
        # a case written twice by a run after the publication (delete+insert replaces a key's rows, so a
        # duplicate can only be among the rows one run writes)
        conn.execute(
            "UPDATE intermediate.int_cases SET built_at = now() + INTERVAL 1 MINUTE WHERE case_key = ?",
            [key("CF-2026-000001")],
        )
        conn.execute(
            "INSERT INTO intermediate.int_cases SELECT * FROM intermediate.int_cases WHERE case_key = ?",
            [key("CF-2026-000001")],
        )
    for _ in range(2):  # nothing new lands: the duplicate written after the publication is read every time
        failed = dbt_build(project, settings)
        assert failed.returncode != 0 and "unique_int_cases_case_key" in failed.stdout
    with duckdb.connect(str(settings.warehouse_db)) as conn:
        conn.execute(
            "UPDATE intermediate.int_cases SET built_at = ? - INTERVAL 1 MINUTE WHERE case_key = ?",
            [published, key("CF-2026-000001")],
        )
    assert dbt_build(project, settings).returncode == 0
