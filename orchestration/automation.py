"""What starts runs when nobody is watching: a landing sensor, a daily schedule, a failure sensor.

They work under the Dagster daemon (`dagster dev` runs it with the UI; see the README). All
three start `RUNNING`, so a deployment that runs the daemon picks new exports up without a
click. Headless `ncii run` does not need them: it alerts on failure itself.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import database
from orchestration.ingestion.landing import scan
from orchestration.ingestion.ledger import file_sha256
from orchestration.locking import run_lock_is_free
from orchestration.monitoring.failures import alert_failed_run, describe_failure
from orchestration.settings import Settings

IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]
# A run takes the warehouse's lock within seconds of starting; one started longer ago without it is orphaned.
ORPHAN_GRACE_SECONDS = 60


class WarehouseBusy(Exception):
    """The warehouse file is open for writing by another process: look again at the next tick."""


def loaded_checksums(settings: Settings) -> set[str]:
    """Checksums of the files the warehouse already loaded (its load ledger), whoever started the run.

    A new DAGSTER_HOME, or files loaded by `ncii run`, leave the sensor's cursor without them;
    without this the sensor would start a run, and a publication, for files that load nothing.
    """
    if not settings.warehouse_db.exists():
        return set()
    try:
        conn = database.connect(settings.warehouse_db, read_only=True)
    except duckdb.Error as exc:  # a run holds the file
        raise WarehouseBusy(str(exc).splitlines()[0]) from None
    try:
        return {row[0] for row in conn.execute("SELECT file_sha256 FROM raw.load_ledger").fetchall()}
    except duckdb.CatalogException:  # no load yet
        return set()
    finally:
        conn.close()


def fail_orphaned_runs(instance: dg.DagsterInstance, records: list, settings: Settings) -> list[str]:
    """Mark failed the started runs whose process is gone, so the sensor does not wait for them forever.

    A run killed with -9 (or its machine restarted) stays STARTED in Dagster's storage. Every live run
    holds the warehouse's run lock (`ncii run` and the daemon's runs alike), so a run started more than
    `ORPHAN_GRACE_SECONDS` ago while the lock is free has no process left. Dagster's run monitoring
    (dagster.yaml) is the second line: it fails runs past their maximum runtime.
    """
    now = time.time()
    candidates = [
        r
        for r in records
        if r.dagster_run.status == dg.DagsterRunStatus.STARTED
        and now - (r.start_time or r.create_timestamp.timestamp()) > ORPHAN_GRACE_SECONDS
    ]
    if not candidates or not run_lock_is_free(settings):
        return []
    for record in candidates:
        instance.report_run_failed(
            record.dagster_run,
            "the run's process is gone (killed or crashed): "
            f"it no longer holds the run lock of {settings.warehouse_dir}",
        )
    return [r.dagster_run.run_id for r in candidates]


def scan_landing(landing_dir: Path, cursor: dict, loaded: set[str] = frozenset()) -> tuple[list[str], dict]:
    """Export files not seen before, and the cursor that remembers them.

    The cursor maps a file name to (size, mtime, sha256). A file whose size and mtime are
    unchanged is not read again; one that changed, or is new, is hashed, and content already
    seen under any name (the same file landing twice), or already in the warehouse's load
    ledger (`loaded`), does not count as new. Ingestion would
    skip it anyway (the ledger), but the sensor should not start a run for nothing. Links and
    folders are never followed (the landing rules); a file caught mid-write is hashed again at the
    next tick, when its size or time has changed, so the run that finally loads it is started.
    """
    files: dict[str, list] = dict(cursor.get("files", {}))
    known_content = {entry[2] for entry in files.values()} | set(loaded)
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


def build_automation(job: dg.JobDefinition | dg.UnresolvedAssetJobDefinition, settings: Settings) -> tuple[list, list]:
    """The sensors and schedules for the main job (sensors, schedules), on the warehouse `settings` describe
    (those of the definitions they belong to: the sensors read no environment)."""

    @dg.sensor(
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts the main job when a new export file lands (one it has not seen before).",
    )
    def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        running = context.instance.get_run_records(dg.RunsFilter(job_name=job.name, statuses=IN_FLIGHT))
        orphaned = fail_orphaned_runs(context.instance, running, settings)
        if len(running) > len(orphaned):  # DuckDB takes one writer: let the current run finish; its files stay new
            return dg.SkipReason("a run of the main job is in progress")
        for run_id in orphaned:
            context.log.warning(f"run {run_id} was marked failed: its process is gone")
        previous = json.loads(context.cursor) if context.cursor else {}
        new, cursor = scan_landing(settings.landing_dir, previous)
        if new:
            try:
                new, cursor = scan_landing(settings.landing_dir, previous, loaded_checksums(settings))
            except WarehouseBusy:
                return dg.SkipReason("the warehouse is busy (a run outside this Dagster instance?)")
        if not new:
            return dg.SensorResult(skip_reason=dg.SkipReason("no new export files"), cursor=json.dumps(cursor))
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(run_key="landing:" + ",".join(sorted(new)), tags={"ncii/new_files": str(len(new))})
            ],
            cursor=json.dumps(cursor),
        )

    daily = dg.ScheduleDefinition(
        name="daily_safety_net",
        job=job,
        cron_schedule="0 6 * * *",
        execution_timezone="Europe/Brussels",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Once a day even without new files: freshness is checked against today's date.",
    )

    @dg.run_failure_sensor(
        monitored_jobs=[job],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="One alert for a failed or blocked run started by the daemon.",
    )
    def alert_on_run_failure(context: dg.RunFailureSensorContext) -> None:
        step, reason = describe_failure(context.get_step_failure_events())
        alert_failed_run(settings, context.dagster_run.run_id, step, reason)

    return [landing_sensor, alert_on_run_failure], [daily]
