"""The short text summary `ncii run` and `ncii demo` print after a publication."""

from __future__ import annotations

import duckdb

from orchestration.settings import Settings


def run_summary(settings: Settings) -> str:
    """Cases per source, months covered, quarantined rows by reason, and where the marts are."""
    conn = duckdb.connect(str(settings.warehouse_db), read_only=True)
    try:
        lines = [
            f"Published marts: {settings.published_db} (open read-only) and {settings.published_dir}/<mart>.parquet",
            f"Report: {settings.reports_dir / 'report.html'}   Validation: {settings.reports_dir / 'validation' / 'index.html'}",
        ]
        for source, cases, first, last in conn.execute(
            """SELECT source, count(*), min(opened_month), max(opened_month)
               FROM intermediate.int_cases GROUP BY source ORDER BY source"""
        ).fetchall():
            lines.append(f"  {source:<11} {cases:>8,} cases, {first:%Y-%m} .. {last:%Y-%m}")
        files = conn.execute(
            """SELECT count(*) FILTER (status = 'loaded'), count(*) FILTER (status = 'rejected'),
                      coalesce(sum(rows_quarantined), 0)
               FROM raw.load_ledger"""
        ).fetchone()
        lines.append(f"  files loaded: {files[0]}, rejected: {files[1]}, rows quarantined: {files[2]:,}")
        for reason, rows in conn.execute(
            "SELECT reason, count(*) FROM raw.quarantine GROUP BY reason ORDER BY count(*) DESC, reason LIMIT 10"
        ).fetchall():
            lines.append(f"    {rows:>6,}  {reason}")
        return "\n".join(lines)
    finally:
        conn.close()
