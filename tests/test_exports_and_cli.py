"""Exports an analyst can open without a trick, and a command line that explains itself.

Exports are sorted by the table's grain, keep dates as dates in every format, style the XLSX
header and add a notes sheet; `alerts` and `monitoring_checks` export like the marts. `ncii tables`
and `ncii describe` read the published file (its comments); every command's `--help` has an example.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from orchestration.cli import build_parser, main
from orchestration.publishing.exports import export_mart
from tests.published_standin import publish_standin

GRAIN_ORDER = [
    ("2026-01-01", "childfocus", "instagram", "other"),
    ("2026-01-01", "childfocus", "snapchat", "deepnude"),
    ("2026-02-01", "childfocus", "tiktok", "sextortion"),
    ("2026-02-01", "igvm", "x", "deepnude"),
]


@pytest.fixture()
def published(tmp_path: Path, monkeypatch):
    settings, _ = publish_standin(tmp_path / "warehouse", tmp_path / "landing")
    monkeypatch.setenv("NCII_WAREHOUSE_DIR", str(settings.warehouse_dir))
    return settings


@pytest.fixture()
def unsorted(published):
    """The published table stored against its grain order (a table has no order of its own)."""
    import duckdb

    conn = duckdb.connect(str(published.published_db))
    conn.execute("CREATE OR REPLACE TABLE platform_monthly AS SELECT * FROM platform_monthly ORDER BY platform DESC")
    conn.close()
    return published


def test_csv_is_sorted_by_grain_with_iso_dates(unsorted, tmp_path: Path) -> None:
    published = unsorted
    target = export_mart(published, "platform_monthly", "csv", tmp_path / "pm.csv")
    text = target.read_text(encoding="utf-8-sig")
    frame = pd.read_csv(target, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    grain = frame[["month", "source", "platform", "incident_type"]]
    assert list(grain.itertuples(index=False, name=None)) == GRAIN_ORDER
    assert "00:00:00" not in text
    assert frame.loc[frame["platform"] == "tiktok", "cases"].item() == ""  # suppressed: empty, never 0


def test_parquet_keeps_dates_as_dates_and_the_grain_order(unsorted, tmp_path: Path) -> None:
    published = unsorted
    table = pq.read_table(export_mart(published, "platform_monthly", "parquet", tmp_path / "pm.parquet"))
    assert table.schema.field("month").type == pa.date32()
    rows = table.select(["month", "source", "platform", "incident_type"]).to_pylist()
    assert [(r["month"].isoformat(), r["source"], r["platform"], r["incident_type"]) for r in rows] == GRAIN_ORDER


def test_xlsx_has_dates_a_styled_header_and_notes(unsorted, tmp_path: Path) -> None:
    published = unsorted
    workbook = load_workbook(export_mart(published, "platform_monthly", "xlsx", tmp_path / "pm.xlsx"))
    sheet = workbook["platform_monthly"]
    header = [cell for cell in sheet[1]]
    assert [c.value for c in header][:4] == ["month", "source", "platform", "incident_type"]
    assert all(c.font.bold for c in header)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:K5"
    assert sheet.column_dimensions["D"].width >= len("incident_type")
    month = sheet["A2"]
    assert month.is_date and month.number_format == "yyyy-mm-dd" and month.value.date() == date(2026, 1, 1)
    rows = [tuple(r[:4]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(m.date().isoformat(), *rest) for m, *rest in rows] == GRAIN_ORDER
    notes = dict(row for row in workbook["notes"].iter_rows(values_only=True))
    assert "empty count cell is suppressed" in notes["Suppression"] and "k = 5" in notes["Suppression"]
    assert str(published.published_db) in notes["Source"]
    published_at = datetime.strptime(notes["Published at (UTC)"], "%Y-%m-%d %H:%M")
    assert abs((datetime.utcnow() - published_at).total_seconds()) < 600


@pytest.mark.parametrize("table", ["alerts", "monitoring_checks"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_alerts_and_monitoring_checks_export_too(published, tmp_path: Path, capsys, table: str, fmt: str) -> None:
    target = tmp_path / f"{table}.{fmt}"
    assert main(["export", table, "--format", fmt, "--output", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote {target}"
    if table == "monitoring_checks" and fmt == "xlsx":
        row = list(load_workbook(target)[table].iter_rows(min_row=2, values_only=True))[0]
        assert row[1] == datetime(2026, 3, 1, 10, 0) and row[5] == datetime(2026, 1, 1)
    if table == "monitoring_checks" and fmt == "parquet":
        assert pq.read_schema(target).field("period").type == pa.date32()


def test_tables_lists_every_published_table(published, capsys) -> None:
    assert main(["tables"]) == 0
    out = capsys.readouterr().out
    for table in ("platform_monthly", "survey_prevalence", "monitoring_checks", "alerts"):
        assert f"{table}  (" in out
    assert "platform_monthly  (4 rows)" in out and "Monthly figures per platform" in out


def test_describe_shows_the_columns_from_the_published_files_comments(published, capsys) -> None:
    import duckdb

    conn = duckdb.connect(str(published.published_db), read_only=True)
    comment = conn.execute(
        "SELECT comment FROM duckdb_columns() WHERE table_name = 'platform_monthly' AND column_name = 'removal_rate'"
    ).fetchone()[0]
    conn.close()
    assert comment.startswith("Fraction (0 to 1) of requests with a final outcome")
    assert main(["describe", "platform_monthly"]) == 0
    out = capsys.readouterr().out
    assert "removal_rate" in out and "Fraction (0 to 1) of requests" in out
    assert "month" in out and "DATE" in out
    assert main(["describe", "platfrom_monthly"]) == 2
    assert 'Did you mean "platform_monthly"?' in capsys.readouterr().err


def test_every_command_has_help_with_an_example(capsys) -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 (argparse keeps them here)
    assert {"demo", "run", "report", "query", "export", "tables", "describe"} <= set(commands)
    for name in commands:
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        assert done.value.code == 0
        text = capsys.readouterr().out
        assert "examples:\n" in text and f"ncii {name}" in text.split("examples:\n", 1)[1], name
