"""Run the main Dagster job headlessly and turn its outcome into something a person can read."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from orchestration._compat import read_step_log
from orchestration.key_fingerprint import check_pseudonym_key
from orchestration.locking import run_lock
from orchestration.monitoring.failures import alert_failed_run, describe_failure
from orchestration.reporting import progress as progress_lines
from orchestration.settings import Settings
from orchestration.transformation.manifest import ensure_manifest


@dataclass(frozen=True)
class RunOutcome:
    success: bool
    run_id: str
    reason: str | None = None  # one line, set when the run failed
    step_seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step, in run order
    log_path: Path | None = None  # dbt's log of this run, when it was captured


@dg.logger(description="One line per finished step, for people watching `ncii run`.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    log = logging.getLogger("ncii.progress")
    log.handlers = [_ProgressHandler()]
    log.setLevel(logging.DEBUG)
    log.propagate = False
    return log


class _ProgressHandler(logging.Handler):
    """Prints step completions, failures and each model dbt builds; everything else stays in Dagster's event log."""

    def emit(self, record: logging.LogRecord) -> None:
        beat = progress_lines.active()
        if beat is None:
            return
        line = read_step_log(record.getMessage())
        if line is None:
            return
        if line.event == "started":
            beat.doing(line.step)
        elif line.event == "finished":
            beat.say(f"  done   {line.step} {line.detail}")
        elif line.event == "failed":
            beat.say(f"  FAILED {line.step}")
        elif line.step == "warehouse_dbt_models":  # materialized: a model or seed dbt built
            beat.say(f"  dbt    {line.detail}")


def run_main_job(settings: Settings, progress: bool = False) -> RunOutcome:
    """Materialise every asset once through Dagster (in process) with the given settings.

    The settings reach the job as its warehouse resource (the definitions are built from them) and dbt as
    arguments of its command: nothing is read from or written to this process's environment."""
    settings.require_key()
    if not settings.landing_dir.is_dir():
        raise FileNotFoundError(f"landing folder {settings.landing_dir} does not exist (set NCII_LANDING_DIR)")
    if not progress:
        return _run(settings, progress)
    with progress_lines.watched("starting the run"):
        return _run(settings, progress)


def _run(settings: Settings, progress: bool) -> RunOutcome:
    with run_lock(settings):
        check_pseudonym_key(settings)  # before any work: another key would give every case a second pseudonym
        if beat := progress_lines.active():
            beat.doing("loading the pipeline (Dagster, the dbt project)")
        ensure_manifest()  # the definitions read the dbt manifest and never parse: a new or changed project parses here
        from orchestration.definitions import MAIN_JOB_NAME, build_definitions  # late: Dagster and dbt take seconds

        instance = _instance(settings)
        job = build_definitions(settings).resolve_job_def(MAIN_JOB_NAME)
        run_config = {}
        if progress:  # people get one line per step instead of Dagster's debug console
            job = job.with_logger_defs({"progress": progress_logger})
            run_config = {"loggers": {"progress": {}}}
        with _engine_output(settings, enabled=progress) as log_path:
            result = job.execute_in_process(run_config=run_config, instance=instance, raise_on_error=False)
        if beat := progress_lines.active():
            beat.doing("finishing the run")
        timings = step_seconds(instance, result.run_id)
        if result.success:
            return RunOutcome(True, result.run_id, step_seconds=timings, log_path=log_path)
        step, reason = describe_failure(result.get_step_failure_events())
        alert_failed_run(settings, result.run_id, step, reason)  # headless runs have no run-failure sensor
    return RunOutcome(False, result.run_id, reason, timings, log_path)


def _instance(settings: Settings) -> dg.DagsterInstance:
    """DAGSTER_HOME when set; else the warehouse's own instance once `ncii dev` made one (so the UI shows
    this run and the landing sensor waits for it); else a throw-away one."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    home = settings.dagster_home
    if (home / "dagster.yaml").exists():
        return dg.DagsterInstance.from_config(str(home))
    return dg.DagsterInstance.ephemeral()


@contextmanager
def _engine_output(settings: Settings, enabled: bool) -> Iterator[Path | None]:
    """dbt's own log lines (dagster-dbt echoes them to stdout) go to a file for on-call, not to the terminal."""
    if not enabled:
        yield None
        return
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.logs_dir / f"run-{datetime.now(UTC):%Y%m%dT%H%M%S}.log"
    with log_path.open("w") as handle, redirect_stdout(handle):
        yield log_path


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Wall time per step from Dagster's own event log (start to success or failure)."""
    started: dict[str, float] = {}
    durations: dict[str, float] = {}
    events = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
    for entry in instance.all_logs(run_id, of_type=events):
        if entry.dagster_event.event_type == dg.DagsterEventType.STEP_START:
            started[entry.step_key] = entry.timestamp
        elif entry.step_key in started:
            durations[entry.step_key] = entry.timestamp - started[entry.step_key]
    return durations
