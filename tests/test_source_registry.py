"""The source registry (orchestration/sources.py): what each declaration drives, and a new source added through it
alone: a declaration, a reader module and a dbt staging model in a temporary copy of the project, run end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.checks.frames import RAW_SUITES
from orchestration.checks.gx_suites import declared_suite
from orchestration.ingestion.assets import INGESTION_ASSETS
from orchestration.ingestion.landing import classify, near_miss
from orchestration.ingestion.raw_schema import source_ddl
from orchestration.monitoring.checks import SOURCES as MONITORED
from orchestration.settings import EXPECTATIONS_DIR, REPO_ROOT
from orchestration.sources import SOURCES, loaded_by_reader
from tests.conftest import FIXTURE_LANDING, TEST_KEY

TODAY = date(2026, 12, 1)
EXAMPLE_NAMES = {
    "childfocus": "childfocus_cases_20260301.csv",
    "igvm": "igvm_reports_20260301.jsonl",
    "takedown": "takedown_requests_20260301.csv",
    "survey": "survey_2024_qualtrics.csv",
    "dsa": "sor-global-2025-07-01-full.zip",
}


def test_every_source_is_declared_once_and_drives_landing_ingestion_schema_checks_and_drift() -> None:
    assert list(SOURCES) == list(EXAMPLE_NAMES)
    for name, example in EXAMPLE_NAMES.items():
        assert classify(Path(example), TODAY).source == name
        assert near_miss(example.upper())[0] == name  # a capital letter: meant for it, not loaded
    readers = loaded_by_reader()
    assert {s.name for s in readers} == {"childfocus", "igvm", "takedown", "survey"}  # dsa: its own engine
    assert {a.key.to_user_string() for a in INGESTION_ASSETS} >= {s.asset for s in readers}
    assert set(source_ddl()) == {s.raw_table for s in readers}
    assert RAW_SUITES == {s.asset: (s.name, s.raw_table) for s in readers}
    assert {m.source: m.unit for m in MONITORED} == {"childfocus": "cases", "igvm": "cases", "takedown": "requests"}
    for source in readers:
        assert callable(source.read())


def test_each_versioned_raw_suite_holds_what_its_declaration_implies() -> None:
    """The suites in expectations/ may say more than a declaration, never less (no second, drifting copy)."""
    for source in loaded_by_reader():
        versioned = json.loads((EXPECTATIONS_DIR / f"{source.asset}.json").read_text())["expectations"]
        held = {(e["type"], json.dumps(e["kwargs"], sort_keys=True)) for e in versioned}
        for implied in declared_suite(source)["expectations"]:
            assert (implied["type"], json.dumps(implied["kwargs"], sort_keys=True)) in held, (source.name, implied)


TOY_DECLARATION = '''

TOY = Source(
    name="toy",
    file_pattern=r"^toy_items_(?P<date>\\d{8})\\.csv$",
    expected_name="toy_items_YYYYMMDD.csv",
    name_start="toy",
    unit="items",
    reader="orchestration.ingestion.readers.toy:read_toy",
    raw_table="toy_items",
    raw_columns="""
    item_id VARCHAR NOT NULL,
    amount  INTEGER
""",
    required=("item_id",),
    key_columns=("item_id",),
    load_reference="item_id",
)
SOURCES = MappingProxyType({**SOURCES, TOY.name: TOY})
'''
TOY_READER = '''
"""Toy items (`toy_items_YYYYMMDD.csv`: item_id,amount) over the shared staging engine."""

from orchestration.ingestion.staging import UNREADABLE_CSV, ReadResult, csv_scan, params_for, stage

COLUMNS = {"item_id": "item_id", "amount": "amount"}


def read_toy(conn, landed, key):
    checked = """
        SELECT *, trim(item_id) AS ref_key, 'item_id' AS ref_label,
               CASE WHEN trim(item_id) = '' THEN ['item_id', 'missing item id'] END AS problem,
               CASE WHEN TRY_CAST(amount AS INTEGER) IS NULL THEN ['amount', 'unreadable amount'] END AS amount_defect
        FROM scan"""
    rows = "trim(item_id) AS item_id, CASE WHEN amount_defect IS NULL THEN TRY_CAST(amount AS INTEGER) END AS amount"
    read = stage(
        conn,
        csv_scan(",", COLUMNS),
        checked,
        rows,
        {**params_for(key, landed, "toy"), "path": str(landed.path)},
        UNREADABLE_CSV.format(","),
        csv=True,
        field_checks=["amount_defect"],
    )
    return ReadResult(read)
'''
TOY_STAGING = {
    "stg_toy__items.sql": "select load_id, source_file, export_date, row_number, item_id, amount\n"
    "from {{ source('raw', 'toy_items') }}\n",
    "_toy__sources.yml": textwrap.dedent(
        """\
        version: 2

        sources:
          - name: raw
            schema: raw
            tables:
              - name: toy_items
                description: Toy items, one row per item per export.
        """
    ),
}
RUN = textwrap.dedent(
    """\
    from orchestration.runner import run_main_job
    from orchestration.settings import Settings

    outcome = run_main_job(Settings.from_env())
    print("RESULT", outcome.success, outcome.reason)
    """
)


@pytest.fixture(scope="module")
def toy_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the toy source added: one declaration, one reader, one staging model."""
    root = tmp_path_factory.mktemp("toy") / "project"
    ignore = shutil.ignore_patterns("target", "logs", "__pycache__", ".user.yml")
    for folder in ("orchestration", "dbt_project", "seeds", "expectations"):
        shutil.copytree(REPO_ROOT / folder, root / folder, ignore=ignore)
    with (root / "orchestration" / "sources.py").open("a") as handle:
        handle.write(TOY_DECLARATION)
    (root / "orchestration" / "ingestion" / "readers" / "toy.py").write_text(TOY_READER.lstrip())
    staging = root / "dbt_project" / "models" / "staging" / "toy"
    staging.mkdir()
    for name, text in TOY_STAGING.items():
        (staging / name).write_text(text)
    return root


def _run(project: Path, landing: Path, warehouse: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NCII_")}
    env.update(
        PYTHONPATH=str(project),
        NCII_LANDING_DIR=str(landing),
        NCII_WAREHOUSE_DIR=str(warehouse),
        NCII_PSEUDONYM_KEY=TEST_KEY,
        NCII_LANDING_QUIET_SECONDS="0",
    )
    done = subprocess.run(
        [sys.executable, "-c", RUN], cwd=project, env=env, capture_output=True, text=True, timeout=900
    )
    result = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    assert done.returncode == 0 and result, done.stderr[-3000:]
    return result[-1]


def test_a_new_source_added_through_the_registry_alone_runs_end_to_end(toy_project: Path, tmp_path: Path) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    shutil.copytree(FIXTURE_LANDING, landing)
    (landing / "toy_items_20260301.csv").write_text("item_id,amount\nT-1,3\nT-2,oops\n,7\nT-4,5\n")
    (landing / "toy_items_2026-03-02.csv").write_text("item_id,amount\nT-9,1\n")  # a near miss: not loaded
    assert _run(toy_project, landing, warehouse) == "RESULT True None"

    conn = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        rows = conn.execute(
            "SELECT item_id, amount, export_date, row_number FROM raw.toy_items ORDER BY row_number"
        ).fetchall()
        ledger = conn.execute(
            "SELECT file_name, status, rows_read, rows_loaded, rows_quarantined FROM raw.load_ledger "
            "WHERE source = 'toy'"
        ).fetchall()
        quarantine = conn.execute(
            "SELECT row_number, field, reason, level FROM raw.quarantine WHERE source = 'toy' ORDER BY row_number"
        ).fetchall()
        staged = conn.execute("SELECT item_id, amount FROM staging.stg_toy__items ORDER BY item_id").fetchall()
        notes = conn.execute("SELECT kind, source FROM raw.landing_notes WHERE file_name LIKE 'toy%'").fetchall()
    finally:
        conn.close()
    assert rows == [
        ("T-1", 3, date(2026, 3, 1), 1),
        ("T-2", None, date(2026, 3, 1), 2),
        ("T-4", 5, date(2026, 3, 1), 4),
    ]
    assert ledger == [("toy_items_20260301.csv", "loaded", 4, 3, 1)]
    assert quarantine == [(2, "amount", "unreadable amount", "field"), (3, "item_id", "missing item id", "row")]
    assert staged == [("T-1", 3), ("T-2", None), ("T-4", 5)]
    assert notes == [("near_miss", "toy")]
    # the gate checked the batch with the suite the declaration implies (no expectations/raw_toy_items.json)
    history = (warehouse / "reports" / "validation" / "history.jsonl").read_text().splitlines()
    toy = [entry for entry in map(json.loads, history) if entry["suite"] == "raw_toy_items"]
    assert [(e["rows"], e["success"]) for e in toy] == [(3, True)]
    assert {o["expectation"] for o in toy[0]["outcomes"]} == {
        "expect_column_values_to_not_be_null(item_id)",
        "expect_column_values_to_be_unique(load_reference)",
    }

    # the same file again changes nothing
    assert _run(toy_project, landing, warehouse) == "RESULT True None"
    conn = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        assert conn.execute("SELECT count(*) FROM raw.toy_items").fetchone() == (3,)
    finally:
        conn.close()
