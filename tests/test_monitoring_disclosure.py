"""What the monitoring tables and alerts publish gives away no small count (they are published beside the marts).

The checks' sentences and statistics are what on-call staff and analysts read; they name what moved, never a
count from 1 to k-1, and no share that with a month's published total would give a count back.
"""

from __future__ import annotations

import re

import duckdb

from orchestration.monitoring import drift
from orchestration.privacy import describe
from tests.monitoring_data import build_warehouse, month
from tests.test_drift import START, checks_for

K = 5


def test_a_small_month_is_not_counted() -> None:
    verdict = drift.volume_anomaly([120, 130, 125, 118], 3, K)
    assert verdict.statistic is None and "3 in the period" not in verdict.detail
    assert "fewer than 5" in verdict.detail


def test_a_baseline_month_under_k_is_not_given_back_by_the_median() -> None:
    verdict = drift.volume_anomaly([2, 3, 120, 4], 130, K)
    assert verdict.statistic is None and "median" in verdict.detail and not re.search(r"median of \d", verdict.detail)


def test_a_shift_names_categories_but_no_share() -> None:
    verdict = drift.distribution_shift(
        {"female": 600, "male": 300, "non_binary": 10, "unknown": 90},
        {"female": 20, "male": 80, "non_binary": 3, "unknown": 7},
    )
    assert verdict.status == drift.ERROR
    assert "%" not in verdict.detail and re.search(r"(female|male) (up|down)", verdict.detail)
    assert verdict.statistic == round(verdict.statistic, 2)


def test_a_missing_rate_rise_is_too_coarse_to_give_a_count_back() -> None:
    # 100 cases in the period: whole points would pin the empty count to 1 case; steps of 10 points leave 10
    verdict = drift.missing_rate_jump(60, 1000, 43, 100, K)
    assert "%" not in verdict.detail and verdict.statistic % 10 == 0
    assert 100 * 10 / 100 >= 2 * (K - 1)


def test_unknown_codes_in_fewer_than_k_rows_are_not_counted(tmp_path) -> None:
    db = tmp_path / "wh.duckdb"
    months = [month(START, i) for i in range(8)]
    build_warehouse(db, months)
    export = month(months[-1], 1)
    descriptor = describe("Instagram DM", b"monitoring-disclosure-test-key-0123456789")  # reasons never hold a value
    with duckdb.connect(str(db)) as conn:
        conn.executemany(
            "INSERT INTO raw.quarantine VALUES (?, 'Kanaal', ?)",
            [[f"childfocus-{export:%Y%m%d}", f"unknown code {descriptor}"]] * 2,
        )
    results = checks_for(db, months[-1])
    code = next(r for r in results if r.subject == f"code Kanaal {descriptor}")
    assert code.statistic is None and code.detail.startswith("fewer than 5 rows")


def test_no_check_states_a_share_or_a_count_from_1_to_k_minus_1(tmp_path) -> None:
    db = tmp_path / "wh.duckdb"
    months = [month(START, i) for i in range(8)]
    build_warehouse(db, months, shifted={months[-2]: "missing_rate", months[-1]: "victim_gender"})
    results = checks_for(db, months[-1]) + checks_for(db, months[-2])
    assert {r.check_name for r in results if r.status in (drift.WARN, drift.ERROR)} >= {"distribution_shift"}
    for result in results:
        assert "%" not in result.detail, result.detail
        assert not re.search(r"\b[1-4] (cases|requests|rows|in the period)\b", result.detail), result.detail
