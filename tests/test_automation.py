"""The landing sensor, the daily schedule and the run-failure sensor, through Dagster's own test tools."""

from __future__ import annotations

import os
import shutil
from datetime import datetime

import dagster as dg
import pytest

from orchestration.definitions import MAIN_JOB_NAME, build_definitions
from orchestration.settings import Settings
from tests.conftest import FIXTURE_LANDING, fixture_landing, make_settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    """The sensors' warehouse: they are built with the definitions' settings and read no environment."""
    landing = fixture_landing(tmp_path / "landing", ["childfocus_cases_20260201.csv"])
    return make_settings(landing, tmp_path / "warehouse")


@pytest.fixture
def landing(settings: Settings):
    return settings.landing_dir


def tick(settings: Settings, instance: dg.DagsterInstance, cursor: str | None):
    sensor = build_definitions(settings).resolve_sensor_def("landing_sensor")
    return sensor.evaluate_tick(dg.build_sensor_context(instance=instance, cursor=cursor))


def test_landing_sensor_starts_a_run_for_a_new_file_and_skips_a_known_one(settings, landing) -> None:
    instance = dg.DagsterInstance.ephemeral()
    first = tick(settings, instance, None)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].run_key == "landing:childfocus_cases_20260201.csv"

    again = tick(settings, instance, first.cursor)  # nothing new
    assert again.run_requests == [] and again.skip_message == "no new export files"

    os.utime(landing / "childfocus_cases_20260201.csv")  # touched, same bytes
    shutil.copy(landing / "childfocus_cases_20260201.csv", landing / "childfocus_cases_20260202.csv")  # landed twice
    (landing / "notes.txt").write_text("not an export")
    duplicate = tick(settings, instance, again.cursor)
    assert duplicate.run_requests == []

    shutil.copy(FIXTURE_LANDING / "childfocus_cases_20260301.csv", landing)
    new = tick(settings, instance, duplicate.cursor)
    assert [r.run_key for r in new.run_requests] == ["landing:childfocus_cases_20260301.csv"]


def test_landing_sensor_waits_while_a_run_is_in_progress(settings) -> None:
    instance = dg.DagsterInstance.ephemeral()
    job = build_definitions(settings).resolve_job_def(MAIN_JOB_NAME)
    instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED)
    waiting = tick(settings, instance, None)
    assert waiting.run_requests == [] and "in progress" in waiting.skip_message
    assert waiting.cursor is None  # the file stays new for the tick after the run


def test_daily_schedule_requests_a_run() -> None:
    schedule = build_definitions(Settings()).resolve_schedule_def("daily_safety_net")
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 11, 25, 6, 0))
    data = schedule.evaluate_tick(context)
    assert len(data.run_requests) == 1


def test_run_failure_sensor_sends_one_alert(tmp_path, webhook) -> None:
    hook = webhook()
    settings = make_settings(tmp_path / "landing", tmp_path / "warehouse", NCII_ALERT_WEBHOOK_URL=hook.url)
    (tmp_path / "warehouse").mkdir()

    @dg.op
    def load_exports() -> None:
        raise RuntimeError("landing folder unreadable")

    @dg.job
    def broken() -> None:
        load_exports()

    instance = dg.DagsterInstance.ephemeral()
    result = broken.execute_in_process(instance=instance, raise_on_error=False)
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="alert_on_run_failure",
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()
    sensor = build_definitions(settings).resolve_sensor_def("alert_on_run_failure")
    for _ in range(2):  # the daemon may evaluate twice; the condition is sent once
        sensor(context)
    assert hook.titles == ["[ERROR] pipeline: pipeline run failed"]
    assert "step load_exports failed: RuntimeError: landing folder unreadable" in hook.messages[0]["text"]
