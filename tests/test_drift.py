"""Drift checks on generated months: each fires on a shifted month and stays quiet on stable ones."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pytest

from orchestration.monitoring import drift
from orchestration.monitoring.checks import run_checks
from orchestration.privacy import describe
from tests.conftest import TEST_KEY
from tests.monitoring_data import BLUESKY, SOURCES, build_warehouse, land_export, month

START = date(2024, 1, 1)
K = 5


def checks_for(db, period: date, today: date | None = None, baseline: int = 6):
    """Land the export that makes `period` the latest complete month, then run every check."""
    export = month(period, 1)
    land_export(db, export)
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return run_checks(
            conn, today=today or export + timedelta(days=5), baseline_months=baseline, cadence_days=35, k=K
        )
    finally:
        conn.close()


def flagged(results, source: str | None = None):
    return {
        (r.source, r.check_name, r.subject): r
        for r in results
        if r.status in (drift.WARN, drift.ERROR) and (source is None or r.source == source)
    }


def test_no_false_alarm_on_twenty_stable_months(tmp_path) -> None:
    db = tmp_path / "wh.duckdb"
    months = [month(START, i) for i in range(26)]
    build_warehouse(db, months)
    statuses = []
    for period in months[6:]:  # 20 periods, each with six stable baseline months
        results = checks_for(db, period)
        assert not flagged(results), f"false alarm in {period}: {flagged(results)}"
        statuses += [r.status for r in results]
    assert len([s for s in statuses if s == drift.OK]) == len(statuses)  # nothing skipped: every check really ran
    assert {r.check_name for r in results} == {
        "freshness",
        "volume",
        "distribution_shift",
        "missing_rate",
        "unmapped_value",
    }


@pytest.mark.parametrize(
    ("shift", "expected"),
    [
        ("platform_mix", {("distribution_shift", "platform_mix")}),
        ("victim_gender", {("distribution_shift", "victim_gender")}),
        ("volume", {("volume", "cases")}),
        ("missing_rate", {("missing_rate", "victim_age")}),
        # a new name counts as 'other', so one case in ten moving there also shifts the platform mix
        ("unmapped_value", {("unmapped_value", f"platform name {BLUESKY}"), ("distribution_shift", "platform_mix")}),
    ],
)
def test_each_check_fires_on_a_shifted_month(tmp_path, shift: str, expected: set) -> None:
    db = tmp_path / "wh.duckdb"
    months = [month(START, i) for i in range(8)]
    build_warehouse(db, months, shifted={months[-1]: shift})
    # the month before, drawn from the same distribution as its baseline, is quiet
    assert not flagged(checks_for(db, months[-2]))
    hits = flagged(checks_for(db, months[-1]), "childfocus")
    assert {(check, subject) for _, check, subject in hits} == expected  # that, and nothing else


def test_shift_severity_grows_with_the_shift() -> None:
    rng = np.random.default_rng(3)
    shares = np.array([0.22, 0.19, 0.16, 0.14, 0.10, 0.10, 0.05, 0.04])
    names = [f"p{i}" for i in range(len(shares))]
    baseline = dict(zip(names, rng.multinomial(1800, shares)))
    moderate = shares.copy()
    moderate[4] *= 3.0
    major = shares.copy()
    major[4] *= 5.0
    verdicts = [
        drift.distribution_shift(baseline, dict(zip(names, rng.multinomial(300, s / s.sum()))))
        for s in (shares, moderate, major)
    ]
    assert [v.status for v in verdicts] == [drift.OK, drift.WARN, drift.ERROR]
    assert verdicts[0].statistic < drift.PSI_WARN <= verdicts[1].statistic < drift.PSI_ERROR <= verdicts[2].statistic


def test_small_months_are_skipped_not_judged() -> None:
    verdict = drift.distribution_shift({"a": 500, "b": 500}, {"a": 12, "b": 0})
    assert verdict.status == drift.SKIPPED and verdict.statistic is None
    assert drift.missing_rate_jump(30, 600, 10, 12, k=5).status == drift.SKIPPED


def test_volume_band_is_robust_to_one_odd_baseline_month() -> None:
    baseline = [300, 310, 290, 305, 900, 295]  # one month with a duplicate export, say
    assert drift.volume_anomaly(baseline, 320, k=5).status == drift.OK
    assert drift.volume_anomaly(baseline, 150, k=5).status == drift.ERROR
    assert drift.volume_anomaly(baseline, 240, k=5).status == drift.WARN


def test_freshness_is_measured_against_today(tmp_path) -> None:
    db = tmp_path / "wh.duckdb"
    months = [month(START, i) for i in range(8)]
    build_warehouse(db, months)
    export = month(months[-1], 1)
    late = {
        r.source: r.status
        for r in checks_for(db, months[-1], today=export + timedelta(days=50))
        if r.check_name == "freshness"
    }
    very_late = {
        r.source: r.status
        for r in checks_for(db, months[-1], today=export + timedelta(days=80))
        if r.check_name == "freshness"
    }
    assert late == {s: drift.WARN for s in SOURCES}
    assert very_late == {s: drift.ERROR for s in SOURCES}


def test_unknown_codes_in_the_newest_export_are_named(tmp_path) -> None:
    db = tmp_path / "wh.duckdb"
    months = [month(START, i) for i in range(8)]
    build_warehouse(db, months)
    export = month(months[-1], 1)
    code = describe("Instagram DM", TEST_KEY.encode())
    with duckdb.connect(str(db)) as conn:
        conn.executemany(
            "INSERT INTO raw.quarantine VALUES (?, 'Kanaal', ?)",
            [[f"childfocus-{export:%Y%m%d}", f"unknown code {code}"]] * 7,
        )
        conn.execute(
            "INSERT INTO raw.quarantine VALUES (?, 'Melder', 'unknown code Jan Janssens')",  # an old reason
            [f"childfocus-{export:%Y%m%d}"],
        )
    hits = flagged(checks_for(db, months[-1]))
    result = hits[("childfocus", "unmapped_value", f"code Kanaal {code}")]
    assert result.statistic == 7 and "seeds/code_map.csv" in result.detail and "ncii unmapped" in result.detail
    assert ("childfocus", "unmapped_value", "code Melder (not shown)") in hits  # a value is never shown


def test_unmapped_names_that_may_be_personal_are_counted_never_named(tmp_path) -> None:
    db = tmp_path / "wh.duckdb"
    months = [month(START, i) for i in range(8)]
    build_warehouse(db, months)
    omegle_name = describe("omegle", TEST_KEY.encode())
    with duckdb.connect(str(db)) as conn:
        conn.execute(
            """UPDATE intermediate.int_case_platforms SET platform = 'other', is_mapped = false,
            platform_name = CASE WHEN hash(case_key) % 2 = 0 THEN 'lisa.peeters@example.com' ELSE 'yubo' END
            WHERE case_key IN (SELECT case_key FROM intermediate.int_case_platforms
                               WHERE source = 'childfocus' AND opened_month = ? ORDER BY case_key LIMIT 4)""",
            [months[-1]],
        )
        conn.execute(
            """UPDATE intermediate.int_case_platforms SET platform = 'other', is_mapped = false,
            platform_name = ? WHERE case_key IN (SELECT case_key FROM intermediate.int_case_platforms
            WHERE source = 'childfocus' AND opened_month = ? ORDER BY case_key LIMIT 6)""",
            [omegle_name, months[-3]],
        )
    results = checks_for(db, months[-1])
    text = " ".join(f"{r.subject} {r.detail}" for r in results)
    assert "lisa" not in text and "example.com" not in text
    hits = flagged(results, "childfocus")
    assert ("childfocus", "unmapped_value", "platform names (rare, not shown)") in hits
    omegle = hits[("childfocus", "unmapped_value", f"platform name {omegle_name}")]  # still flagged, two months later
    # none in the period is written "fewer than 5", as 1 to 4 are: a "0" would tell the two apart
    assert "typed in fewer than 5 cases of the period" in omegle.detail


def test_a_short_history_is_skipped_not_judged(tmp_path) -> None:
    db = tmp_path / "wh.duckdb"
    months = [month(START, i) for i in range(3)]
    build_warehouse(db, months, shifted={months[-1]: "volume"})
    results = checks_for(db, months[-1])  # two baseline months only
    by_check = {}
    for r in results:
        by_check.setdefault(r.check_name, set()).add(r.status)
    assert by_check["volume"] == by_check["distribution_shift"] == by_check["missing_rate"] == {drift.SKIPPED}
    assert by_check["freshness"] == by_check["unmapped_value"] == {drift.OK}
    assert all("only 2 baseline months" in r.detail for r in results if r.status == drift.SKIPPED)
