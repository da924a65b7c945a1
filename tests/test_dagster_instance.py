"""The warehouse's own Dagster instance: run monitoring on, no rerun of loaded files, killed runs failed.

`ncii dev` (and `make dev`) runs Dagster on `<warehouse>/dagster` with the project's dagster.yaml.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration import automation
from orchestration.dagster_home import prepare_dagster_home
from orchestration.definitions import MAIN_JOB_NAME, build_definitions
from orchestration.ingestion.ingest import ingest_source
from orchestration.locking import run_lock_is_free
from orchestration.resources import WarehouseResource
from tests.conftest import FIXTURE_LANDING, fixture_landing, make_settings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The settings, also in the environment for the commands these tests start (`ncii run`, `ncii dev`)."""
    landing = fixture_landing(tmp_path / "landing", ["childfocus_cases_20260201.csv", "igvm_reports_20260301.jsonl"])
    settings = make_settings(landing, tmp_path / "warehouse")
    for name, value in settings.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return settings


def tick(settings, instance: dg.DagsterInstance, cursor: str | None):
    sensor = build_definitions(settings).resolve_sensor_def("landing_sensor")
    return sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor))


def test_the_instance_has_run_monitoring_and_logs_at_info(env) -> None:
    home = prepare_dagster_home(env)
    assert home == env.warehouse_dir / "dagster"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.run_monitoring_enabled
        assert 0 < instance.run_monitoring_max_runtime_seconds <= 4 * 3600
        assert instance.get_settings("python_logs")["python_log_level"] == "INFO"
    (home / "dagster.yaml").write_text("run_monitoring:\n  enabled: false\n")
    prepare_dagster_home(env)  # an operator's own file is kept
    assert "enabled: false" in (home / "dagster.yaml").read_text()


def test_a_new_instance_does_not_rerun_files_the_warehouse_already_loaded(env) -> None:
    """`make dev` on a warehouse that `ncii run` or `ncii demo` filled: the first tick starts nothing."""
    with WarehouseResource.from_settings(env).connect() as conn:
        for source in ("childfocus", "igvm"):
            ingest_source(conn, env, source)
    instance = dg.DagsterInstance.ephemeral()
    first = tick(env, instance, None)
    assert first.run_requests == [] and first.skip_message == "no new export files"
    (env.landing_dir / "takedown_requests_20260301.csv").write_bytes(
        (FIXTURE_LANDING / "takedown_requests_20260301.csv").read_bytes()
    )
    new = tick(env, instance, first.cursor)
    assert [r.run_key for r in new.run_requests] == ["landing:takedown_requests_20260301.csv"]


def test_a_run_killed_with_sigkill_is_marked_failed_and_the_sensor_resumes(
    env, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = prepare_dagster_home(env)
    ncii = Path(sys.executable).with_name("ncii")
    process = subprocess.Popen(
        [str(ncii), "run"],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with dg.DagsterInstance.from_config(str(home)) as instance:
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and process.poll() is None:
                records = instance.get_run_records(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
                if records and not run_lock_is_free(env):
                    break
                time.sleep(0.2)
            assert process.poll() is None, "the run ended before it could be killed"
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.kill()
            process.wait()
        assert process.returncode == -signal.SIGKILL
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.STARTED  # what Dagster itself is left with

        waiting = tick(env, instance, None)  # within the grace period a started run may not hold the lock yet
        assert "in progress" in waiting.skip_message
        monkeypatch.setattr(automation, "ORPHAN_GRACE_SECONDS", 0)
        resumed = tick(env, instance, None)
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
        assert "in progress" not in (resumed.skip_message or "")


def test_runs_log_to_the_console_at_info() -> None:
    """The daemon's runs print to `ncii dev`'s console; Dagster's default console logger prints DEBUG."""
    from orchestration.settings import Settings

    console = build_definitions(Settings()).resolve_job_def(MAIN_JOB_NAME).loggers["console"]
    assert console.apply_config_mapping({}).value["config"]["log_level"] == "INFO"


def test_ncii_dev_runs_dagster_on_the_warehouse_instance_on_localhost(
    env, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`make dev` = `ncii dev`: DAGSTER_HOME is the warehouse's (no `.tmp_dagster_home_*`), the UI on 127.0.0.1."""
    from orchestration import cli

    started: list[tuple[str, list[str], dict]] = []
    monkeypatch.setattr(os, "execve", lambda path, args, environ: started.append((path, args, environ)))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["dev"]) == 0
    ((path, args, environ),) = started
    assert Path(path).name == "dagster" and args[1] == "dev"
    assert args[args.index("-h") + 1] == "127.0.0.1"
    assert environ["DAGSTER_HOME"] == str(env.warehouse_dir / "dagster")
    assert (env.warehouse_dir / "dagster" / "dagster.yaml").is_file()
    assert environ["NCII_WAREHOUSE_DIR"] == str(env.warehouse_dir)
    makefile = (Path(cli.__file__).resolve().parent.parent / "Makefile").read_text()
    assert "dev: env\n\t$(VENV)/bin/ncii dev" in makefile
