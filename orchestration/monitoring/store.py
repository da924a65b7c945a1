"""The monitoring tables in warehouse.duckdb: check history and alerts (both published too).

`monitoring.checks` keeps every check result of every run, so analysts can chart a
statistic against its threshold over time. `monitoring.alerts` holds one row per condition
(fingerprint) raised, with its state (open until the condition clears) and its delivery
state (pending until the webhook took it, so a dead webhook never loses an alert).
Neither table holds personal data: sources, check names, category names and counts only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from orchestration.monitoring.checks import CheckResult, results_frame

SCHEMA = """
CREATE SCHEMA IF NOT EXISTS monitoring;
CREATE TABLE IF NOT EXISTS monitoring.checks (
    run_id           VARCHAR NOT NULL,
    checked_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    source           VARCHAR NOT NULL,
    check_name       VARCHAR NOT NULL,  -- freshness | volume | distribution_shift | missing_rate | unmapped_value
    subject          VARCHAR NOT NULL,  -- the dimension, field or unmapped name the result is about
    period           DATE,              -- the month checked (latest complete month before the newest export)
    baseline_months  INTEGER NOT NULL,  -- trailing months with data the period was compared with
    statistic        DOUBLE,            -- PSI, robust z, percentage points, days or a count;
                                        -- NULL when skipped or below k
    threshold        DOUBLE,            -- where the statistic starts to warn
    status           VARCHAR NOT NULL,  -- ok | warn | error | skipped
    detail           VARCHAR NOT NULL   -- one sentence for people
);
CREATE TABLE IF NOT EXISTS monitoring.alerts (
    alert_id            VARCHAR PRIMARY KEY,
    fingerprint         VARCHAR NOT NULL,  -- kind, source, check, subject and status: one alert per condition
    kind                VARCHAR NOT NULL,  -- drift | publication_blocked | disclosure_audit | run_failed
    source              VARCHAR NOT NULL,
    check_name          VARCHAR NOT NULL,
    subject             VARCHAR NOT NULL,
    status              VARCHAR NOT NULL,  -- warn | error
    period              DATE,
    title               VARCHAR NOT NULL,
    message             VARCHAR NOT NULL,
    report_path         VARCHAR,
    state               VARCHAR NOT NULL,  -- open | cleared
    raised_run_id       VARCHAR NOT NULL,
    raised_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    cleared_at          TIMESTAMP WITH TIME ZONE,
    delivery_state      VARCHAR NOT NULL,  -- pending | delivered | log_only (no webhook configured)
    delivery_attempts   INTEGER NOT NULL,
    delivered_at        TIMESTAMP WITH TIME ZONE,
    last_delivery_error VARCHAR
);
"""


def ensure_schema(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(SCHEMA)


def record_checks(conn: duckdb.DuckDBPyConnection, run_id: str, results: list[CheckResult]) -> int:
    """Append this run's results to the history (a re-run of the same run id replaces its rows)."""
    ensure_schema(conn)
    frame = results_frame(results)
    conn.execute("DELETE FROM monitoring.checks WHERE run_id = ?", [run_id])
    if frame.empty:
        return 0
    frame.insert(0, "checked_at", datetime.now(UTC))
    frame.insert(0, "run_id", run_id)
    conn.register("new_checks", frame)
    try:
        conn.execute(
            "INSERT INTO monitoring.checks SELECT run_id, checked_at, source, check_name, subject, period, "
            "baseline_months, statistic, threshold, status, detail FROM new_checks"
        )
    finally:
        conn.unregister("new_checks")
    return len(frame)
