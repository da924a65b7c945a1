"""`ncii audit`: the arithmetic disclosure test on hand-made publications with known answers.

The base publication protects its suppressed cells; each planted change publishes one more
number that lets a reader work a small count out (the kinds the contract names), and the audit
must find that count and name it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.cli import main
from orchestration.disclosure.audit import audit_publication
from orchestration.disclosure.relations import read_publication

NA = None
M1, M2, M3, Q1 = "2025-01-01", "2025-02-01", "2025-03-01", "2025-01-01"
RUN = "run-2"


def base_tables() -> dict[str, pd.DataFrame]:
    """A small publication whose suppressed cells no arithmetic pins down (k = 5)."""
    pm = []
    for month in (M1, M2, M3):
        for source in ("childfocus", "igvm"):
            for platform in ("snapchat", "instagram"):
                pm.append(
                    dict(
                        month=month,
                        source=source,
                        platform=platform,
                        incident_type="deepnude",
                        cases=20,
                        ai_generated_cases=10,
                        takedown_requests=10,
                        takedowns_removed=5,
                        removal_rate=0.5,
                        suppressed=False,
                    )
                )
    for row in pm[:2]:  # childfocus January: 3 and 9 cases, both suppressed (no total is published)
        row.update(cases=NA, ai_generated_cases=NA, suppressed=True)
    vdq = []
    for source, cells in (
        ("childfocus", {"female": 60, "male": 40}),
        ("igvm", {"female": 50, "male": NA, "unknown": NA}),
    ):
        for gender, cases in cells.items():
            vdq.append(
                dict(
                    quarter=Q1,
                    source=source,
                    incident_type="deepnude",
                    victim_gender=gender,
                    victim_age_band="15_17",
                    cases=cases,
                    share_pct=None if cases is NA or source == "igvm" else 100.0 * cases / 100,
                    suppressed=cases is NA,
                )
            )
    survey = [
        dict(
            wave="2024", indicator="heard_of_deepnudes", breakdown="total", group_value="total", base="all", n_base=100
        )
    ]
    survey += [
        dict(wave="2024", indicator="heard_of_deepnudes", breakdown="gender", group_value=g, base="all", n_base=n)
        for g, n in (("female", 60), ("male", 30), ("non_binary", NA), ("unknown", NA))
    ]
    pevr = [
        dict(year=2025, platform=p, helpline_cases=NA, case_share_pct=NA, takedown_requests=60, removal_rate=0.5)
        for p in ("snapchat", "instagram")
    ]
    checks = [
        dict(
            run_id="run-1",
            checked_at=pd.Timestamp("2025-03-01", tz="UTC"),
            source="igvm",
            check_name="volume",
            subject="cases",
            period=pd.Timestamp(M2),
            detail="7 in the period against a baseline median of 40",
        ),
        dict(
            run_id=RUN,
            checked_at=pd.Timestamp("2025-04-02", tz="UTC"),
            source="igvm",
            check_name="volume",
            subject="cases",
            period=pd.Timestamp(M3),
            detail="40 in the period against a baseline median of 40 (robust z +0.0)",
        ),
        dict(
            run_id=RUN,
            checked_at=pd.Timestamp("2025-04-02", tz="UTC"),
            source="igvm",
            check_name="missing_rate",
            subject="victim_gender",
            period=pd.Timestamp(M3),
            detail="empty in 0.0% of rows, was 0.0%",
        ),
    ]
    return {
        "platform_monthly": pd.DataFrame(pm).astype({m: "Int64" for m in ("cases", "ai_generated_cases")}),
        "victim_demographics_quarterly": pd.DataFrame(vdq).astype({"cases": "Int64"}),
        "survey_prevalence": pd.DataFrame(survey).astype({"n_base": "Int64"}),
        "platform_exposure_vs_reports": pd.DataFrame(pevr).astype({"helpline_cases": "Int64"}),
        "monitoring_checks": pd.DataFrame(checks),
    }


def write_publication(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    conn = duckdb.connect(str(path))
    for name, frame in tables.items():
        conn.register("frame", frame)
        conn.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
        conn.unregister("frame")
    conn.close()
    return path


def _row(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, where
    return mask


def plant_complement(t: dict[str, pd.DataFrame]) -> str:
    pm = t["platform_monthly"]
    pm.loc[_row(pm, month=M2, source="igvm", platform="snapchat"), "ai_generated_cases"] = 17  # 20 - 17 = 3 not AI
    return (
        "platform_monthly month=2025-02-01 source=igvm platform=snapchat incident_type=deepnude: "
        "cases - ai_generated_cases"
    )


def plant_total_less_members(t: dict[str, pd.DataFrame]) -> str:
    pm = t["platform_monthly"]
    pm.loc[_row(pm, month=M2, source="igvm", platform="instagram"), ["cases", "ai_generated_cases"]] = NA
    total = dict(
        month=M2,
        source="all",
        platform="instagram",
        incident_type="deepnude",
        cases=23,
        ai_generated_cases=NA,
        takedown_requests=20,
        takedowns_removed=10,
        removal_rate=0.5,
        suppressed=True,
    )
    t["platform_monthly"] = pd.concat([pm, pd.DataFrame([total])], ignore_index=True)
    return "platform_monthly month=2025-02-01 source=igvm platform=instagram incident_type=deepnude: cases"


def plant_share(t: dict[str, pd.DataFrame]) -> str:
    vdq = t["victim_demographics_quarterly"]
    vdq.loc[_row(vdq, source="igvm", victim_gender="female"), "share_pct"] = 100 * 50 / 83  # the total is then 83
    vdq.loc[_row(vdq, source="igvm", victim_gender="male"), ["cases", "share_pct"]] = [30, 100 * 30 / 83]
    return (
        "victim_demographics_quarterly quarter=2025-01-01 source=igvm incident_type=deepnude victim_gender=unknown "
        "victim_age_band=15_17: cases"
    )


def plant_month_against_quarter(t: dict[str, pd.DataFrame]) -> str:
    rows = [
        dict(
            month=m,
            source="childfocus",
            platform="all",
            incident_type="deepnude",
            cases=c,
            ai_generated_cases=NA,
            takedown_requests=20,
            takedowns_removed=10,
            removal_rate=0.5,
            suppressed=c is NA,
        )
        for m, c in ((M1, NA), (M2, 35), (M3, 35))
    ]  # the quarter (100) less two months gives January
    t["platform_monthly"] = pd.concat([t["platform_monthly"], pd.DataFrame(rows)], ignore_index=True)
    return "platform_monthly month=2025-01-01 source=childfocus platform=all incident_type=deepnude: cases"


def plant_monitoring_detail(t: dict[str, pd.DataFrame]) -> str:
    checks = t["monitoring_checks"]
    checks.loc[_row(checks, run_id=RUN, check_name="missing_rate"), "detail"] = "empty in 7.5% of rows, was 2.0%"
    return "monthly cases igvm 2025-03-01 victim_gender=unknown (not published)"  # 7.5% of 40 is 3


def plant_pending_from_rate(t: dict[str, pd.DataFrame]) -> str:
    pm = t["platform_monthly"]
    pm.loc[_row(pm, month=M3, source="igvm", platform="snapchat"), ["takedown_requests", "removal_rate"]] = [
        14,
        10 / 12,
    ]
    pm["takedowns_removed"] = pm["takedowns_removed"].astype("Int64")
    pm.loc[_row(pm, month=M3, source="igvm", platform="snapchat"), "takedowns_removed"] = 10  # 12 final: 2 pending
    pevr = t["platform_exposure_vs_reports"]  # the year keeps adding up: 64 requests, 35 removed of 62 final
    pevr.loc[_row(pevr, platform="snapchat"), ["takedown_requests", "removal_rate"]] = [64, 35 / 62]
    return (
        "platform_monthly month=2025-03-01 source=igvm platform=snapchat incident_type=deepnude: "
        "takedown_requests - final"
    )


def plant_survey_total(t: dict[str, pd.DataFrame]) -> str:
    survey = t["survey_prevalence"]
    survey.loc[_row(survey, breakdown="gender", group_value="male"), "n_base"] = (
        37  # 100 - 60 - 37: 3 left for two groups
    )
    return "survey_prevalence wave=2024 indicator=heard_of_deepnudes gender=non_binary: n_base"


PLANTS: dict[str, Callable[[dict[str, pd.DataFrame]], str]] = {
    "complement": plant_complement,
    "total less its members": plant_total_less_members,
    "share": plant_share,
    "month against its quarter": plant_month_against_quarter,
    "monitoring detail": plant_monitoring_detail,
    "pending implied by removal_rate": plant_pending_from_rate,
    "survey base against its total": plant_survey_total,
}


def test_the_protected_base_publication_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = write_publication(tmp_path / "published.duckdb", base_tables())
    result = audit_publication(db, k=5)
    assert result.lines() == []
    assert result.passed and result.audited > 20
    assert main_audit(db, capsys) == 0


def main_audit(db: Path, capsys: pytest.CaptureFixture[str]) -> int:
    import os

    os.environ["NCII_WAREHOUSE_DIR"] = str(db.parent)
    try:
        return main(["audit"])
    finally:
        os.environ.pop("NCII_WAREHOUSE_DIR")


@pytest.mark.parametrize("kind", PLANTS)
def test_each_planted_exposure_is_found_and_named(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = base_tables()
    label = PLANTS[kind](tables)
    db = write_publication(tmp_path / "published.duckdb", tables)
    result = audit_publication(db, k=5)
    assert result.problems == []
    assert [line for line in result.lines() if label in line], (kind, result.lines())
    assert main_audit(db, capsys) == 1
    out = capsys.readouterr().out
    assert label in out


def test_every_planted_exposure_in_one_publication(tmp_path: Path) -> None:
    tables = base_tables()
    labels = [plant(tables) for plant in PLANTS.values()]
    result = audit_publication(write_publication(tmp_path / "published.duckdb", tables), k=5)
    lines = result.lines()
    assert all(any(label in line for line in lines) for label in labels), lines


def exact_interval(db: Path, label: str, k: int = 5) -> tuple[float, float]:
    conn = duckdb.connect(str(db), read_only=True)
    system = read_publication(conn, k).system
    conn.close()
    intervals, problems = system.intervals()
    assert problems == []
    (found,) = [i for i in intervals if i.label == label]
    return found.low, found.high


def test_exact_intervals_of_a_tiny_table(tmp_path: Path) -> None:
    """Known by hand: two suppressed groups beside a total of 20 and a published 12 share the other 8,
    so each lies in [0, 8]; with 17 published, in [0, 3]. A platform `all` of 10 (cases counted once)
    beside a member of 7 leaves the other member in [3, 10]: at least 10 - 7, at most the total."""
    survey = pd.DataFrame(
        [
            dict(wave="2024", indicator="x", breakdown="total", group_value="total", base="all", n_base=20),
            dict(wave="2024", indicator="x", breakdown="gender", group_value="female", base="all", n_base=12),
            dict(wave="2024", indicator="x", breakdown="gender", group_value="male", base="all", n_base=NA),
            dict(wave="2024", indicator="x", breakdown="gender", group_value="non_binary", base="all", n_base=NA),
        ]
    ).astype({"n_base": "Int64"})
    pm = pd.DataFrame(
        [
            dict(month=M1, source="igvm", platform=p, incident_type="deepnude", cases=c)
            for p, c in (("all", 10), ("snapchat", 7), ("instagram", NA))
        ]
    ).astype({"cases": "Int64"})
    male = "survey_prevalence wave=2024 indicator=x gender=male: n_base"
    instagram = "platform_monthly month=2025-01-01 source=igvm platform=instagram incident_type=deepnude: cases"
    db = write_publication(tmp_path / "a.duckdb", {"survey_prevalence": survey, "platform_monthly": pm})
    assert exact_interval(db, male) == pytest.approx((0, 8))
    assert exact_interval(db, instagram) == pytest.approx((3, 10))
    assert audit_publication(db, k=5).passed
    survey.loc[1, "n_base"] = 17
    db = write_publication(tmp_path / "b.duckdb", {"survey_prevalence": survey, "platform_monthly": pm})
    assert exact_interval(db, male) == pytest.approx((0, 3))
    result = audit_publication(db, k=5)
    assert f"exposed: {male}: 0 to 3" in result.lines()
    assert audit_publication(db, k=4).lines() == []  # k = 4: a range of four values (0..3) is enough


@pytest.mark.parametrize("period, exposed", [("3", "exactly 3"), ("fewer than 5", None)])
@pytest.mark.parametrize("window", ["9", "5 or more"])
def test_a_small_count_in_a_monitoring_sentence_is_exposed(
    period: str, exposed: str | None, window: str, tmp_path: Path
) -> None:
    """A small count written as it is gives itself away; 'fewer than 5' (zero written so too) leaves 0 to 4,
    five values, enough for k = 5."""
    tables = base_tables()
    checks = tables["monitoring_checks"]
    extra = checks.iloc[[1]].assign(
        check_name="unmapped_value",
        subject="platform name: kik",
        detail=f"'kik' typed in {period} cases of the period and {window} since the "
        "baseline began (30 in all); counted as 'other'",
    )
    tables["monitoring_checks"] = pd.concat([checks, extra], ignore_index=True)
    other = dict(
        month=M3,
        source="igvm",
        platform="other",
        incident_type="deepnude",
        cases=6,
        ai_generated_cases=0,
        takedown_requests=0,
        takedowns_removed=0,
        removal_rate=None,
        suppressed=False,
    )
    tables["platform_monthly"] = pd.concat([tables["platform_monthly"], pd.DataFrame([other])], ignore_index=True)
    lines = audit_publication(write_publication(tmp_path / "p.duckdb", tables), k=5).lines()
    label = "monitoring igvm unmapped_value platform name: kik 2025-03-01: in the period"
    assert lines == ([f"exposed: {label}: {exposed}"] if exposed else [])


def test_older_runs_of_the_monitoring_history_are_not_related_to_the_current_marts(tmp_path: Path) -> None:
    """run-1 said February had 7 igvm cases: a different state of the data (cumulative exports), not
    a relation with today's marts; taken as one it would contradict them (40 cases in February)."""
    db = write_publication(tmp_path / "p.duckdb", base_tables())
    assert audit_publication(db, k=5).problems == []


def test_a_month_only_the_dumps_cover_is_no_suppressed_request_count(tmp_path: Path) -> None:
    """platform_responsiveness has rows for months the DSA dumps cover but no helpline export does; their request
    count is NULL because there is no data, and platform_monthly has no row for that month to tie it to. Read as
    a suppression it would be 'exactly 0' (an absent platform_monthly row is zero) and block every publication."""
    tables = base_tables()
    tables["platform_responsiveness"] = pd.DataFrame(
        [
            dict(
                month=M1,
                platform="snapchat",
                takedown_requests=20,
                tf_statements=40,
                statements_per_request=2.0,
                suppressed=False,
            ),
            dict(
                month="2024-06-01",
                platform="snapchat",
                takedown_requests=NA,
                tf_statements=35,
                statements_per_request=NA,
                suppressed=False,
            ),
        ]
    ).astype({"takedown_requests": "Int64", "statements_per_request": "Float64"})
    result = audit_publication(write_publication(tmp_path / "published.duckdb", tables), k=5)
    assert result.passed, result.lines()
    tables["platform_responsiveness"].loc[0, "takedown_requests"] = NA  # a covered month: that NULL is a count
    result = audit_publication(write_publication(tmp_path / "again.duckdb", tables), k=5)
    assert [line for line in result.lines() if "month=2024-06-01" in line] == []
    assert any("platform_responsiveness" in line and f"month={M1}" in line for line in result.lines())
