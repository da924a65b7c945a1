"""The quality gate: every GX suite passes on good data and fails on data that breaks it, and a
failed check blocks publication and leaves the previous one byte for byte."""

from __future__ import annotations

import gc
import hashlib
import shutil
import weakref
from collections.abc import Callable

import duckdb
import pandas as pd
import pytest

from orchestration.checks import frames
from orchestration.checks.gx_suites import validate_frame
from orchestration.runner import run_main_job
from tests.conftest import PipelineRun, fixture_landing, make_settings


def _first(frame: pd.DataFrame, column: str) -> int:
    return frame[column].first_valid_index()


def break_raw_childfocus(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[_first(f, "leeftijd_slachtoffer"), "leeftijd_slachtoffer"] = 150
    return f


def break_raw_igvm(f: pd.DataFrame) -> pd.DataFrame:
    f["channel"] = f["channel"].cat.add_categories(["UNMAPPED:fax"])  # raw batches hold text as categoricals
    f.loc[0, "channel"] = "UNMAPPED:fax"
    return f


def break_raw_takedown(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[_first(f, "hours_to_resolution"), "hours_to_resolution"] = -5.0
    return f


def break_raw_survey(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[_first(f, "finished_weight"), "finished_weight"] = 0.0
    return f


def break_platform_monthly(f: pd.DataFrame) -> pd.DataFrame:
    row = _first(f, "cases")
    f.loc[row, ["cases", "ai_generated_cases"]] = [2, 0]  # a small count that escaped suppression
    return f


def break_victim_demographics(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[_first(f, "share_pct"), "share_pct"] = 150.0
    return f


def break_survey_prevalence(f: pd.DataFrame) -> pd.DataFrame:
    row = _first(f, "weighted_pct")
    f.loc[row, "ci_low_pct"] = f.loc[row, "weighted_pct"] + 1  # an interval that misses its estimate
    return f


def break_exposure(f: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([f, f.iloc[[0]]], ignore_index=True)  # a duplicated key


BREAKERS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str]] = {
    "raw_childfocus_cases": (break_raw_childfocus, "expect_column_values_to_be_between(leeftijd_slachtoffer)"),
    "raw_igvm_reports": (break_raw_igvm, "expect_column_values_to_be_in_set(channel)"),
    "raw_takedown_requests": (break_raw_takedown, "expect_column_values_to_be_between(hours_to_resolution)"),
    "raw_survey_responses": (break_raw_survey, "expect_column_values_to_be_between(finished_weight)"),
    "platform_monthly": (break_platform_monthly, "expect_column_values_to_not_be_in_set(cases)"),
    "victim_demographics_quarterly": (break_victim_demographics, "expect_column_values_to_be_between(share_pct)"),
    "survey_prevalence": (
        break_survey_prevalence,
        "expect_column_pair_values_a_to_be_greater_than_b(weighted_pct>=ci_low_pct)",
    ),
    "platform_exposure_vs_reports": (break_exposure, "expect_compound_columns_to_be_unique(year+platform)"),
}


@pytest.fixture(scope="module")
def good_frames(pipeline_run: PipelineRun) -> dict[str, pd.DataFrame]:
    conn = duckdb.connect(str(pipeline_run.settings.warehouse_db), read_only=True)
    try:
        load_ids = [
            r[0] for r in conn.execute("SELECT load_id FROM raw.load_ledger WHERE status = 'loaded'").fetchall()
        ]
        out = {suite: frames.raw_batch(conn, suite, load_ids) for suite in frames.RAW_SUITES}
        out.update({m: frames.mart(conn, m) for m in BREAKERS if m not in frames.RAW_SUITES})
        return out
    finally:
        conn.close()


@pytest.mark.parametrize("suite", sorted(BREAKERS))
def test_each_suite_passes_on_good_data_and_fails_on_broken_data(good_frames, suite: str) -> None:
    good = good_frames[suite]
    assert len(good) > 0
    passed = validate_frame(suite, good, k=5)
    assert passed.success, passed.summary()

    breaker, expected_failure = BREAKERS[suite]
    failed = validate_frame(suite, breaker(good.copy()), k=5)
    assert not failed.success
    assert [o.expectation for o in failed.failed_errors] == [expected_failure]
    assert expected_failure in failed.summary()


def test_a_missing_column_fails_its_expectations_instead_of_the_check(good_frames) -> None:
    """Each set of columns is validated apart; a column the batch lacks is still a failed expectation."""
    frame = good_frames["raw_childfocus_cases"].drop(columns=["leeftijd_slachtoffer"])
    result = validate_frame("raw_childfocus_cases", frame, k=5)
    assert [o.expectation for o in result.failed_errors] == [
        "expect_table_columns_to_match_set(table)",
        "expect_column_values_to_be_between(leeftijd_slachtoffer)",
    ]
    assert len([o for o in result.outcomes if o.success]) == len(result.outcomes) - 2


def test_hashed_references_still_fail_on_a_duplicate(pipeline_run: PipelineRun, tmp_path) -> None:
    """References reach GX as 64-bit hashes: one per distinct reference, and a duplicate still fails."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_run.settings.warehouse_db, db)
    conn = duckdb.connect(str(db))
    try:
        load_ids = [
            r[0] for r in conn.execute("SELECT load_id FROM raw.load_ledger WHERE status = 'loaded'").fetchall()
        ]
        # a request without a case reference (the contract allows it): its key must stay missing
        conn.execute(
            "UPDATE raw.takedown_requests SET case_key = NULL "
            "WHERE request_id = (SELECT min(request_id) FROM raw.takedown_requests)"
        )
        frame = frames.raw_batch(conn, "raw_takedown_requests", load_ids)
        assert str(frame["request_id"].dtype) == "UInt64"
        distinct = conn.execute(
            "SELECT count(DISTINCT (load_id, request_id)), count(DISTINCT case_key) FROM raw.takedown_requests"
        ).fetchone()
        assert len(frame[["load_id", "request_id"]].drop_duplicates()) == distinct[0] == len(frame)
        assert frame["case_key"].nunique() == distinct[1]
        missing = conn.execute("SELECT count(*) FROM raw.takedown_requests WHERE case_key IS NULL").fetchone()[0]
        assert missing > 0 and frame["case_key"].isna().sum() == missing

        conn.execute(
            "INSERT INTO raw.takedown_requests "
            "SELECT * REPLACE (row_number + 100000 AS row_number) FROM raw.takedown_requests LIMIT 1"
        )
        result = validate_frame("raw_takedown_requests", frames.raw_batch(conn, "raw_takedown_requests", load_ids), k=5)
    finally:
        conn.close()
    assert [o.expectation for o in result.failed_errors] == ["expect_column_values_to_be_unique(load_reference)"]
    assert result.failed_errors[0].unexpected == 2


def test_a_validated_frame_is_not_kept_alive(good_frames) -> None:
    """GX caches every batch it loads; a kept frame would hold gigabytes while dbt runs."""
    frame = good_frames["raw_takedown_requests"].copy()
    alive = weakref.ref(frame)
    assert validate_frame("raw_takedown_requests", frame, k=5).success
    del frame
    gc.collect()
    assert alive() is None


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_failed_check_blocks_publication_and_keeps_the_old_one(generated_landing, tmp_path, monkeypatch) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(generated_landing, landing)
    settings = make_settings(landing, tmp_path / "warehouse")
    assert run_main_job(settings).success
    published = {
        p: digest(p)
        for p in [settings.published_db, *(f for f in settings.published_dir.resolve().rglob("*") if f.is_file())]
    }

    real_mart = frames.mart

    def tampered(conn, name):  # the mart as a faulty model would have built it
        frame = real_mart(conn, name)
        return break_platform_monthly(frame) if name == "platform_monthly" else frame

    monkeypatch.setattr(frames, "mart", tampered)
    outcome = run_main_job(settings)

    assert not outcome.success
    assert "gx_platform_monthly" in outcome.reason
    assert "\n" not in outcome.reason
    assert {p: digest(p) for p in published} == published
    report = (settings.reports_dir / "validation" / "index.html").read_text()
    assert report.count("<tr>") == 3  # header + two runs
    run_page = (settings.reports_dir / "validation" / f"run-{outcome.run_id}.html").read_text()
    assert "expect_column_values_to_not_be_in_set(cases)" in run_page and "FAILED" in run_page


def test_a_raw_batch_that_fails_keeps_blocking_until_it_passes(tmp_path, monkeypatch) -> None:
    landing = fixture_landing(tmp_path / "landing", ["childfocus_cases_20260201.csv", "takedown_requests_20260301.csv"])
    settings = make_settings(landing, tmp_path / "warehouse", k=2)
    assert run_main_job(settings).success
    before = digest(settings.published_db)

    fixture_landing(landing, ["childfocus_cases_20260301.csv"])
    real_batch = frames.raw_batch

    def tampered(conn, suite, load_ids):  # the batch as a faulty reader would have loaded it
        frame = real_batch(conn, suite, load_ids)
        return break_raw_childfocus(frame) if suite == "raw_childfocus_cases" and len(frame) else frame

    monkeypatch.setattr(frames, "raw_batch", tampered)
    for _ in range(2):  # the file is in the ledger after the first run; the batch still blocks
        outcome = run_main_job(settings)
        assert not outcome.success and "gx_raw_childfocus_cases" in outcome.reason
        assert digest(settings.published_db) == before

    monkeypatch.setattr(frames, "raw_batch", real_batch)
    assert run_main_job(settings).success
    assert digest(settings.published_db) != before
