"""What an analyst sees: the report, read-only queries and spreadsheet-safe exports."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from orchestration.cli import main
from orchestration.publishing.exports import FORMULA_PREFIXES, export_mart
from orchestration.reporting.report import build_report
from orchestration.settings import PUBLISHED_MARTS
from tests.conftest import TEST_KEY, PipelineRun


@pytest.fixture(scope="module")
def report_html(pipeline_run: PipelineRun) -> str:
    return (pipeline_run.settings.reports_dir / "report.html").read_text()


def test_every_run_leaves_a_report_with_every_chart_drawn(report_html: str) -> None:
    from tests.test_report_contents import rows, specs

    charts = specs(report_html)
    assert len(charts) == 13 and "takedown-within_48h_pct-by-platform" in charts
    for spec in charts.values():  # each chart has data to draw, not just axes (drawing: test_report_browser)
        assert len(rows(spec)) > 20
    # opens from disk: vega-embed is inlined, nothing is fetched
    assert "vegaEmbed" in report_html and not re.search(r"<script[^>]+src=|<link[^>]+href=\"?http", report_html)
    for caption in (
        "Source: platform_monthly",
        "Source: victim_demographics_quarterly",
        "Source: survey_prevalence",
        "Sources: survey_prevalence",
    ):
        assert caption in report_html


def test_suppressed_cells_are_labelled_never_zero(report_html: str, pipeline_run: PipelineRun) -> None:
    from tests.test_report_contents import rows, specs

    k = pipeline_run.settings.suppression_k
    assert f"Counts from 1 to {k - 1} are suppressed" in report_html and "never drawn as zero" in report_html
    suppressed = [row for spec in specs(report_html).values() for row in rows(spec) if row["state"] == "suppressed"]
    assert len(suppressed) > 10
    assert all(row["value"] is None for row in suppressed)
    assert all(f"1 to {k - 1}" in row["note"] for row in suppressed if row.get("mart") != "survey_prevalence")


def test_validation_report_exists_and_opens_as_a_page(pipeline_run: PipelineRun) -> None:
    index = (pipeline_run.settings.reports_dir / "validation" / "index.html").read_text()
    assert index.startswith("<!doctype html>") and "passed" in index


def env_for(run: PipelineRun) -> dict:
    return {
        "PATH": "/usr/bin:/bin",
        "NCII_WAREHOUSE_DIR": str(run.settings.warehouse_dir),
        "NCII_LANDING_DIR": str(run.settings.landing_dir),
        "NCII_PSEUDONYM_KEY": TEST_KEY,
    }


def ncii(run: PipelineRun, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("ncii")), *args],
        env=env_for(run),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_query_reads_and_refuses_writes_in_one_line(pipeline_run: PipelineRun) -> None:
    result = ncii(pipeline_run, "query", "SELECT count(*) AS n FROM platform_monthly", "--format", "csv")
    assert result.returncode == 0 and int(result.stdout.splitlines()[1]) > 100
    refused = ncii(pipeline_run, "query", "DROP TABLE platform_monthly")
    assert refused.returncode == 2
    assert (
        refused.stderr.strip()
        == "ncii: error: the published marts are read-only: only SELECT-style queries are allowed"
    )


def test_query_works_while_a_run_publishes(pipeline_run: PipelineRun, tmp_path: Path) -> None:
    """A second process queries in a loop while the pipeline runs and publishes again."""
    script = tmp_path / "loop.sh"
    script.write_text(
        "#!/bin/sh\nend=$(( $(date +%s) + 25 ))\nfails=0; n=0\n"
        f"while [ $(date +%s) -lt $end ]; do {Path(sys.executable).with_name('ncii')} query "
        "'SELECT count(*) FROM victim_demographics_quarterly' --format csv >/dev/null 2>&1 || fails=$((fails+1)); "
        "n=$((n+1)); done\n"
        "echo $n $fails\n"
    )
    script.chmod(0o755)
    reader = subprocess.Popen([str(script)], env=env_for(pipeline_run), stdout=subprocess.PIPE, text=True)
    from orchestration.runner import run_main_job

    assert run_main_job(pipeline_run.settings).success
    queries, failures = map(int, reader.communicate(timeout=120)[0].split())
    assert queries > 5 and failures == 0


@pytest.mark.parametrize("mart", PUBLISHED_MARTS)
def test_xlsx_export_round_trips_with_no_live_formula(pipeline_run: PipelineRun, tmp_path: Path, mart: str) -> None:
    target = export_mart(pipeline_run.settings, mart, "xlsx", tmp_path / f"{mart}.xlsx")
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    conn = duckdb.connect(str(pipeline_run.settings.published_db), read_only=True)
    expected = conn.execute(f"SELECT count(*) FROM {mart}").fetchone()[0]
    conn.close()
    assert len(rows) - 1 == expected
    for cells in sheet.iter_rows():
        for cell in cells:
            assert cell.data_type != "f"


def test_formula_text_is_neutralised_in_csv_and_xlsx(tmp_path: Path, pipeline_run: PipelineRun) -> None:
    """A published text cell that a spreadsheet would evaluate comes out inert in every export."""
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    shutil.copy(pipeline_run.settings.published_db, warehouse / "published.duckdb")
    conn = duckdb.connect(str(warehouse / "published.duckdb"))
    dangerous = ['=HYPERLINK("http://x.example","click")', "+32 474", "-2+3", "@SUM(A1)"]
    for i, text in enumerate(dangerous):
        conn.execute(f"UPDATE platform_monthly SET platform = ? WHERE rowid = {i}", [text])
    conn.close()
    from orchestration.settings import Settings

    settings = Settings.from_env({"NCII_WAREHOUSE_DIR": str(warehouse)})
    sheet = load_workbook(export_mart(settings, "platform_monthly", "xlsx", tmp_path / "pm.xlsx")).active
    platforms = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    for text in dangerous:
        assert "'" + text in platforms
    assert not any(isinstance(p, str) and p.startswith(FORMULA_PREFIXES) for p in platforms)
    import pandas as pd

    exported = pd.read_csv(export_mart(settings, "platform_monthly", "csv", tmp_path / "pm.csv"), encoding="utf-8-sig")
    assert {"'" + text for text in dangerous} <= set(exported["platform"])
    assert not exported["platform"].str.startswith(FORMULA_PREFIXES).any()


def test_ncii_run_refuses_without_a_key(tmp_path: Path, capsys) -> None:
    import os

    old = {k: os.environ.pop(k, None) for k in ("NCII_PSEUDONYM_KEY", "NCII_WAREHOUSE_DIR", "NCII_LANDING_DIR")}
    os.environ["NCII_WAREHOUSE_DIR"] = str(tmp_path / "wh")
    os.environ["NCII_LANDING_DIR"] = str(tmp_path)
    try:
        assert main(["run"]) == 2
    finally:
        os.environ.pop("NCII_WAREHOUSE_DIR")
        os.environ.pop("NCII_LANDING_DIR")
        os.environ.update({k: v for k, v in old.items() if v is not None})
    err = capsys.readouterr().err.strip()
    assert err.startswith("ncii: error: no pseudonym key: set NCII_PSEUDONYM_KEY") and "\n" not in err


def test_demo_key_is_readable_by_the_owner_only(tmp_path: Path) -> None:
    from orchestration.settings import create_demo_key

    key = create_demo_key(tmp_path)
    assert oct(key.stat().st_mode & 0o777) == "0o600" and len(key.read_text()) == 64
    assert create_demo_key(tmp_path).read_text() == key.read_text()  # never replaced: pseudonyms stay stable


def test_dbt_docs_are_published_and_linked_from_the_report(pipeline_run: PipelineRun, report_html: str) -> None:
    docs = (pipeline_run.settings.warehouse_dir / "docs" / "index.html").read_text()
    for mart in PUBLISHED_MARTS:
        assert mart in docs
    assert "Fraction (0 to 1) of requests with a final outcome" in docs  # column descriptions travel along
    assert 'href="../docs/index.html"' in report_html


def test_the_report_copes_with_empty_marts(tmp_path: Path) -> None:
    """A first publication may hold no helpline data (or no survey): the report says so, never fails."""
    from orchestration.settings import Settings

    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    conn = duckdb.connect(str(warehouse / "published.duckdb"))
    conn.execute(
        "CREATE TABLE platform_monthly (month DATE, source VARCHAR, platform VARCHAR, incident_type VARCHAR, "
        "cases BIGINT, ai_generated_cases BIGINT, takedown_requests BIGINT, takedowns_removed BIGINT, "
        "removal_rate DOUBLE, median_hours_to_removal DOUBLE, suppressed BOOLEAN)"
    )
    conn.execute(
        "CREATE TABLE victim_demographics_quarterly (quarter DATE, source VARCHAR, incident_type VARCHAR, "
        "victim_gender VARCHAR, victim_age_band VARCHAR, cases BIGINT, share_pct DOUBLE, suppressed BOOLEAN)"
    )
    conn.execute(
        "CREATE TABLE survey_prevalence (wave VARCHAR, indicator VARCHAR, breakdown VARCHAR, group_value VARCHAR, "
        "base VARCHAR, n_base BIGINT, weighted_pct DOUBLE, ci_low_pct DOUBLE, ci_high_pct DOUBLE, "
        "low_reliability BOOLEAN, suppressed BOOLEAN)"
    )
    conn.execute(
        "CREATE TABLE platform_exposure_vs_reports (year INTEGER, platform VARCHAR, survey_wave VARCHAR, "
        "exposure_pct DOUBLE, exposure_ci_low_pct DOUBLE, exposure_ci_high_pct DOUBLE, helpline_cases BIGINT, "
        "case_share_pct DOUBLE, takedown_requests BIGINT, removal_rate DOUBLE, median_hours_to_removal DOUBLE, "
        "suppressed BOOLEAN)"
    )
    conn.close()
    page = build_report(Settings.from_env({"NCII_WAREHOUSE_DIR": str(warehouse)})).read_text()
    assert page.count("Nothing published in") == 6  # the dsa section too
