"""Drift of the dsa source: a day missing in the sequence, a platform whose volume jumps, a harm group gone."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from orchestration.ingestion.dsa.schema import ensure_dsa_schema
from orchestration.monitoring import drift
from orchestration.monitoring.alerts import drift_conditions
from orchestration.monitoring.dsa_drift import run_dsa_checks

START = date(2025, 7, 1)


def add_day(conn, day: date, rows: list[tuple[str, str | None, int]]) -> None:
    """One loaded day: (platform_name, harm_group, statements) rows of its aggregate."""
    load_id = f"load-{day}"
    conn.execute("INSERT INTO raw.dsa_loads VALUES (?, ?, 'duckdb', 1, 0, 0, 0, 0, 0)", [load_id, day])
    for platform, group, n in rows:
        conn.execute(
            "INSERT INTO raw.dsa_daily_counts VALUES (?, ?, ?, ?, ?, 'voluntary', ?, 0, 0, 0)",
            [load_id, day, day.replace(day=1), platform, group, n],
        )


def usual(day: date) -> list[tuple[str, str | None, int]]:
    return [("TikTok", None, 500), ("tiktok ", "intimate_image_abuse", 20), ("Facebook", "csam", 300)]


@pytest.fixture
def conn():
    connection = duckdb.connect()
    ensure_dsa_schema(connection)
    yield connection
    connection.close()


def by_check(results, check):
    return {r.subject: r for r in results if r.check_name == check}


def test_a_quiet_sequence_raises_nothing(conn):
    for d in range(6):
        add_day(conn, START + timedelta(d), usual(START + timedelta(d)))
    results = run_dsa_checks(conn)
    assert {r.status for r in results} == {drift.OK}
    assert drift_conditions(results) == []


def test_missing_day_volume_jump_and_a_vanished_harm_group_are_flagged(conn):
    for d in (0, 1, 3, 4):  # 3 July missing
        add_day(conn, START + timedelta(d), usual(START + timedelta(d)))
    newest = START + timedelta(5)
    add_day(conn, newest, [("TikTok", None, 5_200), ("Facebook", "csam", 310)])  # intimate_image_abuse gone
    results = run_dsa_checks(conn)
    assert {s: r.status for s, r in by_check(results, "missing_day").items()} == {"2025-07-03": drift.WARN}
    volume = by_check(results, "platform_volume")
    assert volume["tiktok"].status == drift.ERROR and volume["facebook"].status == drift.OK  # 10.0x against 1.03x
    gone = by_check(results, "harm_group_gone")
    assert gone["intimate_image_abuse"].status == drift.WARN and gone["csam"].status == drift.OK
    titles = {c.check_name: c.title for c in drift_conditions(results)}
    assert titles["harm_group_gone"].startswith("[WARN] dsa: harm group disappeared: intimate_image_abuse")
    assert titles["platform_volume"].startswith("[ERROR] dsa: statement volume jumped: tiktok")
    assert "2025-07-03" in titles["missing_day"]


def test_too_short_a_sequence_is_skipped_with_a_reason(conn):
    assert run_dsa_checks(conn) == []  # no dump ever loaded: the optional source has nothing to check
    add_day(conn, START, usual(START))
    add_day(conn, START + timedelta(1), [("TikTok", None, 50_000)])
    results = run_dsa_checks(conn)
    assert by_check(results, "platform_volume")["all"].status == drift.SKIPPED
    assert "3 needed" in by_check(results, "harm_group_gone")["all"].detail
