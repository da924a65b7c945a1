"""The short text summary `ncii run` and `ncii demo` print after a publication."""

from __future__ import annotations

import duckdb

from orchestration import database
from orchestration.settings import Settings


def run_summary(settings: Settings) -> str:
    """Cases per source, months covered, quarantined rows by reason, what the landing folder held that was
    not loaded, and where the marts are."""
    conn = database.connect(settings.warehouse_db, read_only=True)
    try:
        lines = [
            f"Published marts: {settings.published_db} (open read-only) and {settings.published_dir}/<mart>.parquet",
            f"Report: {settings.report_path}   Validation: {settings.validation_index}",
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
            "SELECT reason, count(*) FROM raw.quarantine WHERE level = 'row' "
            "GROUP BY reason ORDER BY count(*) DESC, reason LIMIT 10"
        ).fetchall():
            lines.append(f"    {rows:>6,}  {reason}")
        fields = conn.execute(
            "SELECT field, reason, count(*) FROM raw.quarantine WHERE level = 'field' "
            "GROUP BY ALL ORDER BY count(*) DESC, field, reason"
        ).fetchall()
        if fields:
            total = sum(n for *_, n in fields)
            lines.append(f"  rows loaded with a field set to unknown: {total:,} field defects")
            lines += [f"    {n:>6,}  {field}: {reason}" for field, reason, n in fields[:10]]
        lines += _landing_notes(conn)
        lines += _open_alerts(conn, settings)
        return "\n".join(lines)
    finally:
        conn.close()


def _landing_notes(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """What the last scan of the landing folder left alone, and why: nothing there is ignored without a word."""
    notes = conn.execute("SELECT DISTINCT file_name, note FROM raw.landing_notes ORDER BY file_name, note").fetchall()
    if not notes:
        return []
    return [f"  landing folder: {len(notes)} entries not loaded"] + [f"    {name!r}: {note}" for name, note in notes]


def _open_alerts(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Open drift alerts, newest first: a new user sees what the monitoring noticed."""
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'monitoring' AND table_name = 'alerts'"
    ).fetchone()[0]
    if not exists:
        return []
    rows = conn.execute(
        "SELECT title, delivery_state FROM monitoring.alerts WHERE state = 'open' ORDER BY raised_at DESC, title"
    ).fetchall()
    if not rows:
        return ["Alerts: none open"]
    where = (
        "sent to the webhook"
        if settings.alert_webhook_url
        else "no webhook set (NCII_ALERT_WEBHOOK_URL): log and table only"
    )
    lines = [
        f"Alerts open: {len(rows)} ({where}; "
        "details: ncii query \"SELECT title, message FROM alerts WHERE state = 'open'\")"
    ]
    lines += [f"  {title}" + ("" if state != "pending" else "  [delivery pending]") for title, state in rows[:12]]
    return lines
