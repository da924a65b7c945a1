"""Read-only access to the published marts for analysts: queries and spreadsheet-safe exports."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from orchestration.settings import PUBLISHED_MARTS, Settings

# Excel (and LibreOffice) evaluate a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "xlsx", "parquet")


class PublishedDataError(RuntimeError):
    """A one-line problem with a query or export an analyst asked for."""


def open_published(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection: the published file is replaced atomically, never locked by a writer."""
    if not settings.published_db.exists():
        raise PublishedDataError(f"nothing published yet at {settings.published_db}: run `ncii run` first")
    return duckdb.connect(str(settings.published_db), read_only=True)


def run_query(settings: Settings, sql: str) -> pd.DataFrame:
    """Run one SQL statement against the published marts; writes are refused by the read-only file."""
    conn = open_published(settings)
    try:
        return conn.execute(sql).df()
    except duckdb.Error as exc:
        message = str(exc).splitlines()[0]
        if "read-only" in message.lower():
            raise PublishedDataError("the published marts are read-only: only SELECT-style queries are allowed") from None
        raise PublishedDataError(f"query failed: {message}") from None
    finally:
        conn.close()


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
    """Write one published mart to CSV, XLSX or Parquet; text cells are made formula-safe."""
    if mart not in PUBLISHED_MARTS:
        raise PublishedDataError(f"unknown mart {mart!r}; choose one of: {', '.join(PUBLISHED_MARTS)}")
    if fmt not in EXPORT_FORMATS:
        raise PublishedDataError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    frame = run_query(settings, f"SELECT * FROM {mart}")
    target = (output or Path.cwd() / f"{mart}.{fmt}").absolute()
    if fmt == "parquet":
        frame.to_parquet(target, index=False)
        return target
    safe = neutralise_formulas(frame)
    if fmt == "csv":
        safe.to_csv(target, index=False, encoding="utf-8-sig")  # BOM: Excel then reads UTF-8 correctly
    else:
        _write_xlsx(safe, target, sheet=mart)
    return target


def _write_xlsx(frame: pd.DataFrame, target: Path, sheet: str) -> None:
    """Every text cell is written as a string cell, never as a formula (openpyxl treats `=...` as one)."""
    from openpyxl import Workbook

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
    workbook.save(target)


def _excel_value(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value
