"""`all` members and suppression across the linked helpline marts, on hand-written data and on the e2e run.

The fixture below is written so that every rule fires (k = 3, so 1 and 2 are small): cases that name several
platforms (platform `all` counts each case once), a complement that is small (`cases - ai_generated_cases` = 2), a
request cell with pending requests (a removal rate over all requests would be wrong), a request whose case is in no
export (source `unknown`), and a quarter where one small cell forces a secondary suppression.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.runner import run_main_job
from tests.conftest import PipelineRun, make_settings
from tests.contract_columns import CHILDFOCUS_HEADER, TAKEDOWN_HEADER
from tests.disclosure_checks import (
    compare,
    expected_platform_monthly,
    expected_victim_demographics,
    intermediate,
    pinned_by_arithmetic,
    published,
    within_rate_problems,
)

K = 3
# (reference, day in January 2026, incident, AI, platforms, gender, age)
JANUARY = [
    ("CF-2026-000001", 5, "Deepnude", "Ja", "Instagram, Snapchat", "V", 14),
    ("CF-2026-000002", 6, "Deepnude", "Ja", "Instagram", "V", 14),
    ("CF-2026-000003", 7, "Deepnude", "Nee", "Insta / TikTok", "V", 13),
    ("CF-2026-000004", 8, "Deepnude", "Ja", "Snapchat", "M", 16),
    ("CF-2026-000005", 9, "Deepnude", "Ja", "IG; snap chat", "V", 16),
    ("CF-2026-000006", 10, "Deepnude", "Nee", "Instagram", "V", 17),
]
JANUARY += [(f"CF-2026-0000{n}", n, "Sextortion", "Nee", "Snapchat", "M", 15) for n in range(20, 25)]
FEBRUARY = [(f"CF-2026-0000{n}", n - 4, "Sextortion", "Nee", "Snapchat", "M", 15) for n in range(10, 16)]
FEBRUARY += [(f"CF-2026-0000{n}", n - 10, "Deepnude", "Ja", "Instagram", "V", 12) for n in range(30, 34)]
# January, instagram, case 1: 5 removed (after 10, 20, 30, 40 and 50 hours), 3 rejected, 3 pending
REQUESTS = [("removed", hours) for hours in (10, 20, 30, 40, 50)] + [("rejected", 5)] * 3 + [("pending", None)] * 3


def _write_landing(landing: Path) -> None:
    with open(landing / "childfocus_cases_20260301.csv", "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(CHILDFOCUS_HEADER)
        for month, rows in ((1, JANUARY), (2, FEBRUARY)):
            for ref, day, incident, ai, platforms, gender, age in rows:
                out.writerow(
                    [
                        ref,
                        f"{day:02d}/{month:02d}/2026 10:00",
                        "",
                        "Chat",
                        "Slachtoffer",
                        age,
                        gender,
                        "Antwerpen",
                        "NL",
                        incident,
                        ai,
                        platforms,
                        "Kennis",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
    with open(landing / "igvm_reports_20260301.jsonl", "w") as handle:
        for n in range(1, 9):  # February: four AI deepfakes of women on Instagram, four sextortions of men
            deepfake = n <= 4
            handle.write(
                json.dumps(
                    {
                        "report_id": f"IGVM-2026-00000{n}",
                        "submitted_at": f"2026-02-1{n}T10:00:00+01:00",
                        "channel": "web_form",
                        "victim": {
                            "age": 24 if deepfake else 30,
                            "gender": "female" if deepfake else "male",
                            "region": "flanders",
                        },
                        "incident": {
                            "type": "deepfake_nude" if deepfake else "sextortion",
                            "ai_generated": deepfake,
                            "platforms": ["Instagram" if deepfake else "Snapchat"],
                            "offender": "stranger",
                        },
                        "status": "open",
                        "contact": {},
                        "description": "",
                    }
                )
                + "\n"
            )
    with open(landing / "takedown_requests_20260301.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(TAKEDOWN_HEADER)
        submitted = datetime(2026, 1, 12, 10, tzinfo=timezone(timedelta(hours=1)))
        for n, (outcome, hours) in enumerate(REQUESTS, start=1):
            resolved = "" if hours is None else (submitted + timedelta(hours=hours)).isoformat()
            out.writerow(
                [f"TD-{n:07d}", "CF-2026-000001", "Instagram", "image", submitted.isoformat(), "", resolved, outcome]
            )
        for n in range(20, 24):  # February, snapchat, four removed
            out.writerow(
                [
                    f"TD-{n:07d}",
                    "CF-2026-000010",
                    "Snapchat",
                    "image",
                    "2026-02-12T10:00:00+01:00",
                    "",
                    "2026-02-13T10:00:00+01:00",
                    "removed",
                ]
            )
        out.writerow(
            ["TD-0000030", "CF-2026-000099", "Snapchat", "image", "2026-02-12T10:00:00+01:00", "", "", "pending"]
        )  # its case is in no export


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory):
    landing = tmp_path_factory.mktemp("landing")
    _write_landing(landing)
    settings = make_settings(landing, tmp_path_factory.mktemp("warehouse"), k=K)
    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason
    return settings


def _row(settings, mart: str, **where) -> dict:
    frame = published(settings.published_db, mart)
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1, where
    return frame.iloc[0].to_dict()


def _check_all_rows(settings) -> None:
    tables = intermediate(settings.warehouse_db)
    pm, pm_want = published(settings.published_db, "platform_monthly"), expected_platform_monthly(tables)
    pm_problems = compare(
        pm,
        pm_want,
        ["month", "source", "platform", "incident_type"],
        ["cases", "ai_generated_cases", "takedown_requests", "takedowns_removed"],
    )
    pm_problems += within_rate_problems(pm, pm_want)
    vdq_problems = compare(
        published(settings.published_db, "victim_demographics_quarterly"),
        expected_victim_demographics(tables),
        ["quarter", "source", "incident_type", "victim_gender", "victim_age_band"],
        ["cases"],
    )
    assert pm_problems == [] and vdq_problems == []


def test_every_row_matches_pandas_on_the_fixture(fixture_run) -> None:
    _check_all_rows(fixture_run)


def test_platform_all_counts_each_case_once(fixture_run) -> None:
    # the eleven January cases name fourteen platforms between them: Instagram 5, Snapchat 8, TikTok 1
    cells = published(fixture_run.published_db, "platform_monthly")
    january = cells[
        (cells.month == date(2026, 1, 1)) & (cells.source == "childfocus") & (cells.incident_type == "all")
    ].set_index("platform")
    assert january.loc["all", "cases"] == 11
    assert january.loc["instagram", "cases"] == 5 and january.loc["snapchat", "cases"] == 8
    assert january.loc["all", "cases"] < january.loc[["instagram", "snapchat"], "cases"].sum()
    totals = cells[(cells.platform == "all") & (cells.incident_type == "all") & (cells.source != "unknown")]
    assert totals.set_index(["month", "source"])["cases"].to_dict() == {
        (date(2026, 1, 1), "all"): 11,
        (date(2026, 1, 1), "childfocus"): 11,
        (date(2026, 2, 1), "all"): 18,
        (date(2026, 2, 1), "childfocus"): 10,
        (date(2026, 2, 1), "igvm"): 8,
    }


def test_the_removal_rate_is_over_final_outcomes_only(fixture_run) -> None:
    # 11 requests: 5 removed, 3 rejected, 3 pending -> 5 / 8, not 5 / 11; median of 10..50 hours
    row = _row(
        fixture_run,
        "platform_monthly",
        month=date(2026, 1, 1),
        source="childfocus",
        platform="instagram",
        incident_type="deepnude",
    )
    assert (row["cases"], row["takedown_requests"], row["takedowns_removed"]) == (5, 11, 5)
    assert row["removal_rate"] == pytest.approx(5 / 8) and row["median_hours_to_removal"] == 30
    assert row["p90_hours_to_removal"] == pytest.approx(40 + 0.6 * 10)  # between the 4th and 5th of 10..50 hours
    year = _row(fixture_run, "platform_exposure_vs_reports", year=2026, platform="instagram")
    assert (year["helpline_cases"], year["takedown_requests"]) == (13, 11)  # January 5, February 4 + 4
    assert year["removal_rate"] == pytest.approx(5 / 8)


def test_shares_removed_within_24_and_48_hours_protect_their_counts(fixture_run) -> None:
    # January, Instagram (all sources and incident types): 8 final outcomes, of the 5 removed 2 within 24 h (10
    # and 20 hours) and 4 within 48 h. 2 is small (k = 3), and so is the 1 removed after 48 h: both shares NULL.
    conn = duckdb.connect(str(fixture_run.warehouse_db), read_only=True)
    try:
        counts = conn.execute(
            """SELECT final_requests, takedowns_removed, removed_within_24h, removed_within_48h
               FROM intermediate.int_platform_monthly_cells
               WHERE month = DATE '2026-01-01' AND source = 'all' AND platform = 'instagram'
                 AND incident_type = 'all'"""
        ).fetchone()
    finally:
        conn.close()
    assert counts == (8, 5, 2, 4)
    row = _row(
        fixture_run, "platform_monthly", month=date(2026, 1, 1), source="all", platform="instagram", incident_type="all"
    )
    assert pd.isna(row["removed_within_24h_rate"]) and pd.isna(row["removed_within_48h_rate"])


def test_a_small_complement_is_suppressed(fixture_run) -> None:
    # Instagram: 5 cases, 3 with AI images -> 2 without, which `cases - ai_generated_cases` would give away
    row = _row(
        fixture_run,
        "platform_monthly",
        month=date(2026, 1, 1),
        source="childfocus",
        platform="instagram",
        incident_type="deepnude",
    )
    assert row["cases"] == 5 and pd.isna(row["ai_generated_cases"]) and row["suppressed"]


def test_requests_without_a_case_are_under_unknown_and_in_the_all_source(fixture_run) -> None:
    cells = published(fixture_run.published_db, "platform_monthly")
    unknown = cells[(cells.source == "unknown") & (cells.month == date(2026, 2, 1))]
    assert set(unknown.platform) == {"snapchat", "all"} and unknown.takedown_requests.isna().all()  # 1 request
    month_total = _row(
        fixture_run, "platform_monthly", month=date(2026, 2, 1), source="all", platform="all", incident_type="all"
    )
    assert month_total["takedown_requests"] == 5  # four for case 10, one without a case


def test_secondary_suppression_fires_in_the_quarterly_mart(fixture_run) -> None:
    # Q1, childfocus, deepnude: female 12-14 seven, female 15-17 two, male 15-17 one. The male cell alone would
    # be given back by male `all`, the female 15-17 cell by female `all` less female 12-14: cells of k or more
    # must be suppressed too.
    tables = intermediate(fixture_run.warehouse_db)
    truth = expected_victim_demographics(tables).set_index(
        ["quarter", "source", "incident_type", "victim_gender", "victim_age_band"]
    )["cases"]
    got = published(fixture_run.published_db, "victim_demographics_quarterly")
    got["quarter"] = pd.to_datetime(got["quarter"]).dt.date
    hidden = got[got.suppressed].set_index(["quarter", "source", "incident_type", "victim_gender", "victim_age_band"])
    secondary = [key for key in hidden.index if truth[key] >= K]
    assert secondary, "no cell of k or more was suppressed: the small cells could be worked out"
    assert pinned_by_arithmetic(fixture_run.published_db, K) == []


def test_shares_are_published_only_beside_their_total(fixture_run) -> None:
    got = published(fixture_run.published_db, "victim_demographics_quarterly")
    totals = got[(got.victim_gender == "all") & (got.victim_age_band == "all")].set_index(
        ["quarter", "source", "incident_type"]
    )["cases"]
    shared = got[got.share_pct.notna()]
    assert len(shared) > 0
    for row in shared.itertuples():
        total = totals[(row.quarter, row.source, row.incident_type)]
        assert pd.notna(total) and row.share_pct == pytest.approx(100 * row.cases / total)


def test_the_arithmetic_check_catches_a_pinned_cell(fixture_run, tmp_path) -> None:
    """Guard: the reader's-arithmetic check fails on a publication where a suppressed cell is given back."""
    copy = tmp_path / "published.duckdb"
    copy.write_bytes(fixture_run.published_db.read_bytes())
    with duckdb.connect(str(copy)) as conn:  # publish the female 12-14 cell and every other Q1 cell
        conn.execute(
            "UPDATE victim_demographics_quarterly SET cases = 3, suppressed = false "
            "WHERE victim_gender = 'female' AND victim_age_band = '12_14' AND source = 'childfocus' "
            "AND incident_type = 'deepnude'"
        )
        conn.execute(
            "UPDATE victim_demographics_quarterly SET cases = 5 WHERE victim_gender = 'female' "
            "AND victim_age_band = 'all' AND source = 'childfocus' AND incident_type = 'deepnude'"
        )
    assert pinned_by_arithmetic(copy, K) != []


def test_every_all_row_matches_pandas_on_the_e2e_run(pipeline_run: PipelineRun) -> None:
    _check_all_rows(pipeline_run.settings)
    cells = published(pipeline_run.settings.published_db, "platform_monthly")
    all_platforms = cells[(cells.source == "all") & (cells.platform == "all") & (cells.incident_type == "all")]
    # the shares within 24 h / 48 h are there to compare (not all NULL), and never above the removal rate
    assert all_platforms["removed_within_48h_rate"].notna().mean() > 0.5
    shown = cells.dropna(subset=["removed_within_24h_rate", "removed_within_48h_rate", "removal_rate"])
    assert len(shown) > 20
    assert (shown["removed_within_24h_rate"] <= shown["removed_within_48h_rate"] + 1e-12).all()
    assert (shown["removed_within_48h_rate"] <= shown["removal_rate"] + 1e-12).all()


def test_no_suppressed_count_is_given_back_by_arithmetic_on_the_e2e_run(pipeline_run: PipelineRun) -> None:
    assert pinned_by_arithmetic(pipeline_run.settings.published_db, pipeline_run.settings.suppression_k) == []


def test_every_monthly_total_per_source_is_published_on_the_e2e_run(pipeline_run: PipelineRun) -> None:
    cells = published(pipeline_run.settings.published_db, "platform_monthly")
    totals = cells[(cells.platform == "all") & (cells.incident_type == "all") & (cells.source != "unknown")]
    assert len(totals) >= 3 * 20 and totals["cases"].notna().all()
    assert totals[totals.source == "all"]["takedown_requests"].notna().all()
