"""Read-only access to the published tables for analysts: queries, table lists and spreadsheet-safe exports.

The analyst's SQL runs in a sandbox: DuckDB itself refuses every file read or write, `ATTACH`,
extension installs and loads and any setting change (the connection's configuration, locked),
and the statement is checked before it runs: one SELECT whose tables are the published ones
(or its own CTEs), with no table function other than `unnest`, `range` and `generate_series`
(so no `duckdb_tables()`, `read_csv`, `query(...)` or catalog view).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from orchestration import database
from orchestration.publishing.catalog import table_doc
from orchestration.publishing.publish import quote_ident
from orchestration.settings import PUBLISHED_MARTS, PUBLISHED_MONITORING, Settings

# Excel (and LibreOffice) evaluate a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "xlsx", "parquet")
PUBLISHED_TABLES = (*PUBLISHED_MARTS, *PUBLISHED_MONITORING)
# DuckDB's own switches: no file system, no extensions, nothing changeable afterwards.
SANDBOX_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
PURE_TABLE_FUNCTIONS = {"unnest", "range", "generate_series"}
READ_ONLY_MESSAGE = "the published marts are read-only: only SELECT-style queries are allowed"


class PublishedDataError(RuntimeError):
    """A one-line problem with a query or export an analyst asked for."""


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A sandboxed read-only connection: the published file is replaced atomically, never locked by a writer."""
    if not settings.published_db.exists():
        raise PublishedDataError(
            f"nothing published yet at {settings.published_db}: run `ncii run` first "
            "(or set NCII_WAREHOUSE_DIR to the warehouse folder)"
        )
    return database.connect(settings.published_db, read_only=True, config=SANDBOX_CONFIG)


def run_query(settings: Settings, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """Run one SELECT against the published tables, in the sandbox."""
    conn = open_published(settings)
    try:
        check_query(conn, sql, _visible_tables(conn))
        return conn.execute(sql, params or []).df()
    except duckdb.Error as exc:
        raise PublishedDataError(_one_line(exc)) from None
    finally:
        conn.close()


def _visible_tables(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """The published tables this file holds (an older publication may lack a newer table)."""
    rows = conn.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
    return {name for (name,) in rows if name in PUBLISHED_TABLES}


def check_query(conn: duckdb.DuckDBPyConnection, sql: str, tables: set[str]) -> None:
    """Refuse anything but one SELECT over the published tables, before DuckDB runs it."""
    statements = conn.extract_statements(sql)  # a syntax error surfaces here as DuckDB words it
    if len(statements) != 1:
        raise PublishedDataError("one SQL statement at a time, please")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise PublishedDataError(READ_ONLY_MESSAGE)
    tree = json.loads(conn.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        raise PublishedDataError(
            f"this query form is not supported here, write it as a plain SELECT ({tree.get('error_message', '')})"
        )
    ctes = {key.lower() for node in _nodes(tree) for key in _cte_names(node)}
    allowed = {t.lower() for t in tables}
    for node in _nodes(tree):
        kind = node.get("type")
        if kind == "TABLE_FUNCTION":
            name = (node.get("function") or {}).get("function_name", "")
            if name.lower() not in PURE_TABLE_FUNCTIONS:
                raise PublishedDataError(
                    f"{name}() is not available here: only the published tables can be "
                    "queried (`ncii tables` lists them)"
                )
        elif kind == "BASE_TABLE":
            _check_table(node, allowed, ctes)
        elif kind == "SHOW_REF" and node.get("query") is None:
            raise PublishedDataError(
                "SHOW is not available here: `ncii tables` lists the published tables "
                "and `ncii describe <table>` their columns"
            )


def _check_table(node: dict, allowed: set[str], ctes: set[str]) -> None:
    name = node.get("table_name", "")
    qualified = node.get("schema_name") or node.get("catalog_name")
    if not qualified and name.lower() in ctes:
        return
    if (
        name.lower() in allowed
        and node.get("schema_name", "") in ("", "main")
        and node.get("catalog_name", "") in ("", "published")
    ):
        return
    shown = ".".join(p for p in (node.get("catalog_name"), node.get("schema_name"), name) if p)
    hint = [] if qualified else difflib.get_close_matches(name.lower(), sorted(allowed), n=1)
    did_you_mean = f' Did you mean "{hint[0]}"?' if hint else ""
    raise PublishedDataError(
        f"{shown} is not a published table: only the published tables can be queried "
        f"(`ncii tables` lists them).{did_you_mean}"
    )


def _nodes(tree: Any) -> Iterator[dict]:
    """Every dict in the serialised syntax tree, depth first."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _cte_names(node: dict) -> list[str]:
    cte_map = node.get("cte_map")
    if not isinstance(cte_map, dict):
        return []
    return [entry.get("key", "") for entry in cte_map.get("map", []) if isinstance(entry, dict)]


def _one_line(exc: duckdb.Error) -> str:
    """DuckDB's first line with its hints ("Did you mean ...", "Candidate bindings: ...") on the same line.
    The published tables hold canonical values only, so DuckDB's words about them carry no landing value."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return f"query failed: {type(exc).__name__}"
    if "read-only" in lines[0].lower():
        return READ_ONLY_MESSAGE
    hints = [line for line in lines[1:] if line.startswith(("Did you mean", "Candidate"))]
    return " ".join([f"query failed: {lines[0]}", *hints])


# --- describing the publication --------------------------------------------------


@dataclass(frozen=True)
class TableInfo:
    name: str
    rows: int
    description: str


def list_tables(settings: Settings) -> list[TableInfo]:
    """The published tables in the order analysts meet them, with their row counts and descriptions."""
    conn = open_published(settings)
    try:
        found = conn.execute(
            "SELECT table_name, estimated_size, coalesce(comment, '') FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
        by_name = {name: (rows, comment) for name, rows, comment in found if name in PUBLISHED_TABLES}
        return [TableInfo(name, *by_name[name]) for name in PUBLISHED_TABLES if name in by_name]
    finally:
        conn.close()


def describe_table(settings: Settings, table: str) -> tuple[str, pd.DataFrame]:
    """A table's description and its columns (name, type, description), from the published file's comments."""
    conn = open_published(settings)
    try:
        if table not in _visible_tables(conn):
            raise PublishedDataError(_unknown_table(table, _visible_tables(conn)))
        comment = conn.execute(
            "SELECT coalesce(comment, '') FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [table]
        ).fetchone()[0]
        columns = conn.execute(
            "SELECT column_name AS column, data_type AS type, coalesce(comment, '') AS description "
            "FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [table],
        ).df()
    finally:
        conn.close()
    docs = table_doc(table)  # a publication made before comments were written: the repository's docs
    if not comment:
        comment = docs.description
    columns["description"] = [d or docs.columns.get(c, "") for c, d in zip(columns["column"], columns["description"])]
    return comment, columns


def _unknown_table(table: str, tables: set[str]) -> str:
    hint = difflib.get_close_matches(table, sorted(tables), n=1)
    did_you_mean = f' Did you mean "{hint[0]}"?' if hint else ""
    choices = ", ".join(t for t in PUBLISHED_TABLES if t in tables)
    return f"{table!r} is not a published table; choose one of: {choices}.{did_you_mean}"


# --- exports ---------------------------------------------------------------------


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would evaluate with `'` so they stay inert text."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v
            )
    return out


def export_mart(settings: Settings, mart: str, fmt: str, output: Path | None = None) -> Path:
    """Write one published table to CSV, XLSX or Parquet, sorted by its grain, dates kept as dates;
    text cells are made formula-safe for spreadsheets."""
    if fmt not in EXPORT_FORMATS:
        raise PublishedDataError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    if mart not in PUBLISHED_TABLES:
        raise PublishedDataError(_unknown_table(mart, set(PUBLISHED_TABLES)))
    published_at = (
        datetime.fromtimestamp(settings.published_db.stat().st_mtime, UTC) if settings.published_db.exists() else None
    )
    conn = open_published(settings)
    try:
        if mart not in _visible_tables(conn):
            raise PublishedDataError(f"{mart} is not in this publication yet: run `ncii run` to publish it")
        present = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ?", [mart]
            ).fetchall()
        }
        grain = [c for c in table_doc(mart).grain if c in present]
        order = f" ORDER BY {', '.join(quote_ident(c) for c in grain)}" if grain else ""
        relation = conn.sql(f"SELECT * FROM main.{quote_ident(mart)}{order}")
        target = (output or Path.cwd() / f"{mart}.{fmt}").absolute()
        if fmt == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(relation.to_arrow_table(), target)  # Arrow keeps DATE as DATE
            return target
        frame = relation.df()
    except duckdb.Error as exc:
        raise PublishedDataError(_one_line(exc)) from None
    finally:
        conn.close()
    safe = neutralise_formulas(_dates_as_dates(frame))
    if fmt == "csv":
        safe.to_csv(target, index=False, encoding="utf-8-sig")  # BOM: Excel then reads UTF-8 correctly
    else:
        _write_xlsx(safe, target, sheet=mart, notes=_notes(settings, mart, published_at))
    return target


def _dates_as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """DuckDB hands DATE columns to pandas as midnight timestamps: back to dates (ISO `yyyy-mm-dd` in CSV);
    time-zone-aware timestamps in UTC (Excel has no time zones)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = series.dt.tz_convert("UTC").dt.tz_localize(None)
        elif pd.api.types.is_datetime64_any_dtype(series) and (series.dropna() == series.dropna().dt.normalize()).all():
            out[column] = series.dt.date
    return out


def _notes(settings: Settings, mart: str, published_at: datetime | None) -> list[tuple[str, str]]:
    doc = table_doc(mart)
    k = settings.suppression_k
    return [
        ("Table", mart),
        ("Source", f"NCII warehouse publication, {settings.published_db}"),
        ("Published at (UTC)", f"{published_at:%Y-%m-%d %H:%M}" if published_at else "unknown"),
        ("Exported at (UTC)", f"{datetime.now(UTC):%Y-%m-%d %H:%M}"),
        ("Sorted by", ", ".join(doc.grain) or "(as published)"),
        (
            "Suppression",
            f"An empty count cell is suppressed: the true count is between 1 and {k - 1} (k = {k}); "
            "rows with suppressed = TRUE hold at least one such cell. An empty cell is never zero.",
        ),
        ("Survey", "Survey estimates on an unweighted base under 30 are suppressed; under 50 low_reliability = TRUE."),
        ("Description", doc.description),
    ]


def _write_xlsx(frame: pd.DataFrame, target: Path, sheet: str, notes: list[tuple[str, str]]) -> None:
    """A header row in bold, frozen, with a filter and fitting widths; dates formatted as dates; a notes sheet.
    Every text cell is written as a string cell, never as a formula (openpyxl treats `=...` as one)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    worksheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        worksheet.append([_excel_value(v) for v in row])
    for cells in worksheet.iter_rows(min_row=1):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif cell.is_date:
                is_datetime = isinstance(cell.value, datetime) and (cell.value.hour, cell.value.minute) != (0, 0)
                cell.number_format = "yyyy-mm-dd hh:mm:ss" if is_datetime else "yyyy-mm-dd"
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"
    if frame.shape[1]:
        worksheet.auto_filter.ref = f"A1:{get_column_letter(frame.shape[1])}{max(len(frame) + 1, 1)}"
    for index, column in enumerate(frame.columns, start=1):
        sample = [len(str(v)) for v in frame[column].head(200) if v is not None and not pd.isna(v)]
        worksheet.column_dimensions[get_column_letter(index)].width = min(max([len(str(column)), 10, *sample]) + 2, 60)
    notes_sheet = workbook.create_sheet("notes")
    for key, value in notes:
        notes_sheet.append([key, value])
    for cells in notes_sheet.iter_rows():
        cells[0].font = Font(bold=True)
        for cell in cells:
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes_sheet.column_dimensions["A"].width = 22
    notes_sheet.column_dimensions["B"].width = 100
    workbook.save(target)


def _excel_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value
