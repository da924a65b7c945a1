"""Alerts for runs that did not publish: the headless runner and the run-failure sensor share this."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import duckdb

from orchestration import database
from orchestration._compat import is_step_error_wrapper
from orchestration.disclosure.audit import REFUSAL
from orchestration.monitoring.alerts import deliver_pending, pipeline_condition, raise_pipeline_alert
from orchestration.settings import Settings

if TYPE_CHECKING:
    import dagster as dg

log = logging.getLogger("ncii.alerts")


def describe_failure(events: list[dg.DagsterEvent]) -> tuple[str | None, str]:
    """The first failed step and the first line of its error: what an operator needs to act."""
    for event in events:
        error = event.step_failure_data.error
        while error is not None and error.cause is not None and is_step_error_wrapper(error.message):
            error = error.cause
        lines = (error.message if error else "unknown error").strip().splitlines()
        message = lines[0]
        if message.endswith(":") and len(lines) > 1:  # "1 blocking asset check failed ...:" names it on the next line
            message = f"{message} {lines[1].strip()}"
        return event.step_key, f"step {event.step_key} failed: {message}"
    return None, "run failed before any step ran"


def alert_failed_run(settings: Settings, run_id: str, step_key: str | None, reason: str) -> None:
    """Record and send one alert for a blocked publication (a gate check failed) or a failed run.

    Never raises: the run has already failed and its one-line reason must reach the operator.
    """
    kind = (
        "publication_blocked"
        if step_key and "_gx_" in step_key
        else "disclosure_audit"
        if REFUSAL in reason
        else "run_failed"
    )
    page = settings.validation_dir / f"run-{run_id}.html"
    report = str(page if page.exists() else settings.validation_index)
    try:
        conn = database.connect(settings.warehouse_db)
        try:
            raise_pipeline_alert(conn, run_id, pipeline_condition(kind, step_key or "run", reason), report)
            deliver_pending(conn, settings.alert_webhook_url)
        finally:
            conn.close()
    except (duckdb.Error, OSError) as exc:
        log.error("could not record the alert for run %s (%s): %s", run_id[:8], reason, exc)
