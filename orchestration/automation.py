"""What starts runs when nobody is watching: a landing sensor, a daily schedule, a failure sensor.

They work under the Dagster daemon (`dagster dev` runs it with the UI; see the README). All
three start `RUNNING`, so a deployment that runs the daemon picks new exports up without a
click. Headless `ncii run` does not need them: it alerts on failure itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from orchestration.ingestion.landing import scan
from orchestration.ingestion.ledger import file_sha256
from orchestration.monitoring.failures import alert_failed_run
from orchestration.runner import describe_failure
from orchestration.settings import Settings

IN_FLIGHT = [dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
             dg.DagsterRunStatus.STARTED]


def scan_landing(landing_dir: Path, cursor: dict) -> tuple[list[str], dict]:
    """Export files not seen before, and the cursor that remembers them.

    The cursor maps a file name to (size, mtime, sha256). A file whose size and mtime are
    unchanged is not read again; one that changed, or is new, is hashed, and content already
    seen under any name (the same file landing twice) does not count as new. Ingestion would
    skip it anyway (the ledger), but the sensor should not start a run for nothing. Links and
    folders are never followed (the landing rules); a file caught mid-write is hashed again at the
    next tick, when its size or time has changed, so the run that finally loads it is started.
    """
    files: dict[str, list] = dict(cursor.get("files", {}))
    known_content = {entry[2] for entry in files.values()}
    new: list[str] = []
    if not landing_dir.is_dir():
        return new, {"files": files}
    for path in (landed.path for landed in scan(landing_dir).files):
        stat = path.lstat()
        seen = files.get(path.name)
        if seen and seen[:2] == [stat.st_size, stat.st_mtime_ns]:
            continue
        sha = file_sha256(path)
        files[path.name] = [stat.st_size, stat.st_mtime_ns, sha]
        if sha not in known_content:
            new.append(path.name)
            known_content.add(sha)
    return new, {"files": files}


def build_automation(job: dg.JobDefinition | dg.UnresolvedAssetJobDefinition) -> tuple[list, list]:
    """The sensors and schedules for the main job (sensors, schedules)."""

    @dg.sensor(job=job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
               description="Starts the main job when a new export file lands (one it has not seen before).")
    def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        running = context.instance.get_run_records(dg.RunsFilter(job_name=job.name, statuses=IN_FLIGHT), limit=1)
        if running:  # DuckDB takes one writer: let the current run finish; its files stay new for the next tick
            return dg.SkipReason("a run of the main job is in progress")
        settings = Settings.from_env()
        new, cursor = scan_landing(settings.landing_dir, json.loads(context.cursor) if context.cursor else {})
        if not new:
            return dg.SensorResult(skip_reason=dg.SkipReason("no new export files"), cursor=json.dumps(cursor))
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key="landing:" + ",".join(sorted(new)), tags={"ncii/new_files": str(len(new))})],
            cursor=json.dumps(cursor),
        )

    daily = dg.ScheduleDefinition(
        name="daily_safety_net", job=job, cron_schedule="0 6 * * *", execution_timezone="Europe/Brussels",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Once a day even without new files: freshness is checked against today's date.",
    )

    @dg.run_failure_sensor(monitored_jobs=[job], default_status=dg.DefaultSensorStatus.RUNNING,
                           description="One alert for a failed or blocked run started by the daemon.")
    def alert_on_run_failure(context: dg.RunFailureSensorContext) -> None:
        step, reason = describe_failure(context.get_step_failure_events())
        alert_failed_run(Settings.from_env(), context.dagster_run.run_id, step, reason)

    return [landing_sensor, alert_on_run_failure], [daily]
