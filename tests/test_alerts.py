"""Alerts reach a real webhook once per condition, survive a dead webhook and are retried after a 500."""

from __future__ import annotations

import logging
from datetime import date

import duckdb
import pytest

from orchestration.monitoring import alerts as alerts_module
from orchestration.monitoring import drift
from orchestration.monitoring.alerts import clear_pipeline_alerts, deliver_pending, raise_drift_alerts
from orchestration.monitoring.checks import run_checks
from orchestration.monitoring.failures import alert_failed_run
from orchestration.runner import run_main_job
from tests.conftest import dead_webhook_url, make_settings
from tests.monitoring_data import BLUESKY, build_warehouse, land_export, month

START = date(2025, 1, 1)


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch) -> None:
    monkeypatch.setattr(alerts_module, "BACKOFF_SECONDS", 0.05)


def alerts_table(db) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT * FROM monitoring.alerts ORDER BY title").df().to_dict("records")


def drift_run(db, run_id: str, period, shifted_gender: bool = False):
    with duckdb.connect(str(db)) as conn:
        results = run_checks(conn, today=month(period, 1), baseline_months=6, cadence_days=35, k=5)
        if shifted_gender:  # pretend the gender check saw a major shift this time
            results = [
                r
                if (r.check_name, r.subject) != ("distribution_shift", "victim_gender")
                else r.__class__(**{**r.__dict__, "status": drift.ERROR, "statistic": 0.4})
                for r in results
            ]
        raise_drift_alerts(conn, run_id, results, "/reports/report.html")
        return results


@pytest.fixture
def shifted_warehouse(tmp_path):
    """Eight months; the last one has a new platform name and a shifted platform mix."""
    db = tmp_path / "warehouse.duckdb"
    months = [month(START, i) for i in range(8)]
    build_warehouse(db, months, shifted={months[-1]: "unmapped_value"})
    land_export(db, month(months[-1], 1))
    return db, months[-1]


def test_one_message_per_condition_and_no_resend_until_it_changes(shifted_warehouse, webhook) -> None:
    db, period = shifted_warehouse
    hook = webhook()
    drift_run(db, "run-1", period)
    with duckdb.connect(str(db)) as conn:
        report = deliver_pending(conn, hook.url)
    # every source saw the new name and the mix shift: one message per source and check
    assert report.delivered == len(hook.messages) == 6
    assert len(set(hook.titles)) == 6
    assert {(a["source"], a["check_name"]) for a in alerts_table(db)} == {
        (src, check) for src in ("childfocus", "igvm", "takedown") for check in ("unmapped_value", "distribution_shift")
    }
    message = next(m for m in hook.messages if "taxonomy" in m["text"])
    assert BLUESKY in message["text"] and "bluesky" not in message["text"] and "Period 2025-08" in message["text"]
    assert "ncii unmapped" in message["text"]
    assert "What to do:" in message["text"] and "Report: /reports/report.html" in message["text"]
    assert message["blocks"][0]["type"] == "header"

    drift_run(db, "run-2", period)  # the same conditions again: nothing new is sent
    with duckdb.connect(str(db)) as conn:
        deliver_pending(conn, hook.url)
    assert len(hook.messages) == 6

    drift_run(db, "run-3", period, shifted_gender=True)  # the shift changed: one new message per case source
    with duckdb.connect(str(db)) as conn:
        deliver_pending(conn, hook.url)
    assert len(hook.messages) == 8
    assert all(t.startswith("[ERROR]") and "platform_mix, victim_gender" in t for t in hook.titles[6:])
    replaced = [a for a in alerts_table(db) if a["check_name"] == "distribution_shift" and a["state"] == "cleared"]
    assert {a["source"] for a in replaced} == {"childfocus", "igvm"}  # the narrower conditions they replace


def test_a_condition_that_goes_away_is_cleared(shifted_warehouse) -> None:
    db, period = shifted_warehouse
    drift_run(db, "run-1", period)
    assert all(a["state"] == "open" for a in alerts_table(db))
    with duckdb.connect(str(db)) as conn:  # the name is added to the alias seed: all history re-mapped
        conn.execute(
            "UPDATE intermediate.int_case_platforms SET platform = 'bluesky', is_mapped = true WHERE platform_name = ?",
            [BLUESKY],
        )
        conn.execute(
            "UPDATE intermediate.int_takedown_requests SET platform = 'bluesky', is_mapped = true "
            "WHERE platform_name = ?",
            [BLUESKY],
        )
    drift_run(db, "run-2", period)
    states = {(a["source"], a["check_name"]): a["state"] for a in alerts_table(db)}
    assert {k: v for k, v in states.items() if k[1] == "unmapped_value"} == {
        ("childfocus", "unmapped_value"): "cleared",
        ("igvm", "unmapped_value"): "cleared",
        ("takedown", "unmapped_value"): "cleared",
    }


def test_a_500_is_retried_and_a_dead_webhook_loses_nothing(shifted_warehouse, webhook) -> None:
    db, period = shifted_warehouse
    drift_run(db, "run-1", period)
    with duckdb.connect(str(db)) as conn:
        down = deliver_pending(conn, dead_webhook_url())  # never raises
    assert down.delivered == 0 and down.pending == 6
    table = alerts_table(db)
    assert {a["delivery_state"] for a in table} == {"pending"}
    assert sum(a["delivery_attempts"] for a in table) == 1  # the first failure holds the rest back
    assert "could not reach" in next(a["last_delivery_error"] for a in table if a["delivery_attempts"])

    hook = webhook(failures=1)
    with duckdb.connect(str(db)) as conn:
        up = deliver_pending(conn, hook.url)
    assert hook.statuses[0] == 500 and hook.statuses.count(200) == 6  # retried after the 500
    assert up.delivered == 6 and sorted(hook.titles) == sorted(a["title"] for a in table)
    assert {a["delivery_state"] for a in alerts_table(db)} == {"delivered"}


def test_without_a_webhook_alerts_go_to_the_log_and_the_table(shifted_warehouse, caplog) -> None:
    db, period = shifted_warehouse
    drift_run(db, "run-1", period)
    with duckdb.connect(str(db)) as conn, caplog.at_level("WARNING", logger="tests.run_log"):
        report = deliver_pending(conn, None, logging.getLogger("tests.run_log"))  # as the asset passes its log
    assert report.logged == 6
    assert sum("ALERT [" in r.getMessage() for r in caplog.records if r.name == "tests.run_log") == 6
    assert {a["delivery_state"] for a in alerts_table(db)} == {"log_only"}


def test_a_blocked_publication_alerts_once_until_a_publication_clears_it(tmp_path, webhook) -> None:
    hook = webhook()
    settings = make_settings(tmp_path / "landing", tmp_path / "warehouse", NCII_ALERT_WEBHOOK_URL=hook.url)
    settings.warehouse_dir.mkdir(parents=True)
    reason = "step raw_childfocus_cases_gx_raw_childfocus_cases failed: 3 expectations failed"
    for run in ("a", "b"):
        alert_failed_run(settings, f"run-{run}", "raw_childfocus_cases_gx_raw_childfocus_cases", reason)
    assert hook.titles == ["[ERROR] pipeline: publication blocked by the quality gate"]
    assert reason in hook.messages[0]["text"] and "validation" in hook.messages[0]["text"]
    with duckdb.connect(str(settings.warehouse_db)) as conn:
        clear_pipeline_alerts(conn)
    alert_failed_run(settings, "run-c", "raw_childfocus_cases_gx_raw_childfocus_cases", reason)
    assert len(hook.messages) == 2  # it happened again after a good publication: a new alert


@pytest.fixture(scope="module")
def small_landing(tmp_path_factory):
    """Nine monthly exports ending this month, the last complete month drifting (a new platform name)."""
    from orchestration.sample_data.helpline import generate_helpline_landing

    landing = tmp_path_factory.mktemp("small-landing")
    generate_helpline_landing(landing, seed=5, months=9, cases_per_month=160)
    return landing


def test_pipeline_runs_deliver_every_alert_once_through_a_dead_then_flaky_webhook(
    small_landing, tmp_path, webhook
) -> None:
    warehouse = tmp_path / "warehouse"
    down = make_settings(small_landing, warehouse, NCII_ALERT_WEBHOOK_URL=dead_webhook_url())
    assert run_main_job(down).success  # a dead webhook never fails the pipeline

    with duckdb.connect(str(down.published_db), read_only=True) as conn:
        published = conn.execute("SELECT title, delivery_state FROM alerts WHERE state = 'open'").fetchall()
        history = conn.execute("SELECT DISTINCT source, check_name FROM monitoring_checks").fetchall()
    assert published and {state for _, state in published} == {"pending"}
    assert len(history) == 15  # every check for every source is in the published history

    hook = webhook(failures=1)
    up = make_settings(small_landing, warehouse, NCII_ALERT_WEBHOOK_URL=hook.url)
    assert run_main_job(up).success
    assert hook.statuses[0] == 500
    with duckdb.connect(str(up.warehouse_db), read_only=True) as conn:  # also those raised after a publication
        raised = conn.execute("SELECT title FROM monitoring.alerts WHERE state = 'open'").fetchall()
    assert {title for title, _ in published} <= {title for (title,) in raised}
    assert sorted(hook.titles) == sorted(title for (title,) in raised)  # none lost, each once
    sent = len(hook.messages)

    assert run_main_job(up).success  # nothing changed: nothing is sent again
    assert len(hook.messages) == sent
