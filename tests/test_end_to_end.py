"""The whole pipeline on generated exports: publication, personal data, idempotence, reconciliation."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from orchestration.privacy import describe
from orchestration.runner import run_main_job
from orchestration.settings import PUBLISHED_MARTS
from tests.conftest import TEST_KEY, PipelineRun
from tests.pii import find_pii, landing_pii

BLUESKY = f"platform name {describe('bluesky', TEST_KEY.encode())}"  # a name is shown only as its descriptor


def published_tables(run: PipelineRun) -> dict[str, pd.DataFrame]:
    conn = duckdb.connect(str(run.settings.published_db), read_only=True)
    try:
        return {mart: conn.execute(f"SELECT * FROM {mart}").df() for mart in PUBLISHED_MARTS}
    finally:
        conn.close()


def test_every_mart_is_published_to_duckdb_and_parquet(pipeline_run: PipelineRun) -> None:
    tables = published_tables(pipeline_run)
    for mart, frame in tables.items():
        assert len(frame) > 0, mart
        parquet = pd.read_parquet(pipeline_run.settings.published_dir / f"{mart}.parquet")
        assert len(parquet) == len(frame), mart


def test_no_personal_data_anywhere_in_the_warehouse(pipeline_run: PipelineRun, generated_landing) -> None:
    pii = landing_pii(generated_landing)
    assert len(pii) > 1000, "the sample landing files must carry personal data for this test to mean anything"
    assert find_pii(pipeline_run.settings.warehouse_dir, pii) == []


def test_the_pii_scan_finds_a_planted_leak(tmp_path, generated_landing) -> None:
    """Guard against a scanner that cannot fail: a table holding one landing e-mail is caught."""
    pii = landing_pii(generated_landing)
    name = sorted(v for v in pii if " " in v and len(v) < 40)[0]
    conn = duckdb.connect(str(tmp_path / "leaky.duckdb"))
    conn.execute("CREATE TABLE t AS SELECT ? AS reporter, 3 AS n", [name])
    conn.close()
    assert find_pii(tmp_path, pii)


def test_ledger_reconciles_for_every_file(pipeline_run: PipelineRun, generated_landing) -> None:
    conn = duckdb.connect(str(pipeline_run.settings.warehouse_db), read_only=True)
    try:
        # dsa days also count records that are not loaded: outside Belgium, or a uuid seen before (raw.dsa_loads)
        ledger = conn.execute(
            """SELECT l.*, coalesce(d.rows_out_of_scope + d.rows_repeated, 0) AS rows_not_counted
               FROM raw.load_ledger l LEFT JOIN raw.dsa_loads d USING (load_id)"""
        ).df()
        # rows not loaded; field-level entries belong to loaded rows
        quarantined = conn.execute(
            "SELECT load_id, count(*) AS n FROM raw.quarantine WHERE level = 'row' GROUP BY load_id"
        ).df()
        loaded = conn.execute(
            """SELECT load_id, sum(n) AS n FROM (
                   SELECT load_id, 1 AS n FROM raw.childfocus_cases UNION ALL SELECT load_id, 1 FROM raw.igvm_reports
                   UNION ALL SELECT load_id, 1 FROM raw.takedown_requests
                   UNION ALL SELECT load_id, 1 FROM raw.survey_responses
                   UNION ALL SELECT load_id, statements FROM raw.dsa_daily_counts)
               GROUP BY load_id"""
        ).df()
    finally:
        conn.close()
    landed = sorted(p.name for p in generated_landing.iterdir())
    assert sorted(ledger["file_name"]) == landed
    assert (
        ledger["rows_read"] == ledger["rows_loaded"] + ledger["rows_quarantined"] + ledger["rows_not_counted"]
    ).all()
    merged = ledger.merge(loaded, on="load_id", how="left").merge(
        quarantined, on="load_id", how="left", suffixes=("_loaded", "_quarantined")
    )
    assert (merged["rows_loaded"] == merged["n_loaded"].fillna(0)).all()
    assert (merged["rows_quarantined"] == merged["n_quarantined"].fillna(0)).all()


def test_running_again_on_the_same_landing_folder_changes_nothing(pipeline_run: PipelineRun) -> None:
    before = published_tables(pipeline_run)
    conn = duckdb.connect(str(pipeline_run.settings.warehouse_db), read_only=True)
    ledger_rows = conn.execute("SELECT count(*) FROM raw.load_ledger").fetchone()[0]
    conn.close()

    outcome = run_main_job(pipeline_run.settings)
    assert outcome.success, outcome.reason

    after = published_tables(pipeline_run)
    for mart in PUBLISHED_MARTS:
        keys = [c for c in before[mart].columns]
        pd.testing.assert_frame_equal(
            before[mart].sort_values(keys).reset_index(drop=True),
            after[mart].sort_values(keys).reset_index(drop=True),
        )
    conn = duckdb.connect(str(pipeline_run.settings.warehouse_db), read_only=True)
    assert conn.execute("SELECT count(*) FROM raw.load_ledger").fetchone()[0] == ledger_rows
    conn.close()
    # the warehouse keeps its dbt target folder, so the second build re-parsed nothing (dbt rolls dbt.log over to
    # dbt.log.1 at 10 MB, possibly in the middle of this run)
    logs = [pipeline_run.settings.dbt_target_dir / name for name in ("dbt.log.1", "dbt.log")]
    lines = [line for log in logs if log.exists() for line in log.read_text().splitlines()]
    last_parse = [line for line in lines if '"PartialParsingEnabled"' in line or '"UnableToPartialParse"' in line][-1]
    assert '"PartialParsingEnabled"' in last_parse, last_parse


def test_no_published_count_between_1_and_k_minus_1(pipeline_run: PipelineRun) -> None:
    k = pipeline_run.settings.suppression_k
    tables = published_tables(pipeline_run)
    counts = {
        "platform_monthly": ["cases", "ai_generated_cases", "takedown_requests", "takedowns_removed"],
        "victim_demographics_quarterly": ["cases"],
        "platform_exposure_vs_reports": ["helpline_cases", "takedown_requests"],
    }
    for mart, columns in counts.items():
        for column in columns:
            values = tables[mart][column].dropna()
            assert not values.between(1, k - 1).any(), (mart, column)
    # the suppression really happened somewhere (otherwise this test proves nothing)
    assert tables["platform_monthly"]["suppressed"].any()


def test_no_suppressed_cell_is_recoverable_from_its_group(pipeline_run: PipelineRun) -> None:
    """Work as an attacker with the published table only: a share and its count give the group
    total; the total less the published counts gives the sum S of the m suppressed cells, each at
    least 1 (and at most k-1 if small). No cell may be pinned to a single value."""
    k = pipeline_run.settings.suppression_k
    published = published_tables(pipeline_run)["victim_demographics_quarterly"]
    # the finest cells of each group (the `all` members are totals; test_all_members checks them)
    frame = published[
        (published["victim_gender"] != "all")
        & (published["victim_age_band"] != "all")
        & (published["source"] != "all")
        & (published["incident_type"] != "all")
    ]
    checked = 0
    for _, cells in frame.groupby(["quarter", "source", "incident_type"]):
        hidden = cells[cells["cases"].isna()]
        shown = cells[cells["share_pct"].notna()]
        if hidden.empty:
            assert cells["share_pct"].sum() == pytest.approx(100)
            continue
        if shown.empty:
            continue  # no share published: the group total cannot be derived
        total = (shown["cases"] / shown["share_pct"] * 100).iloc[0]
        remainder = round(total - shown["cases"].sum())
        m = len(hidden)
        assert m >= 2, cells
        assert remainder not in (m, m * (k - 1)), cells  # all-ones or all-(k-1) would reveal every cell
        checked += 1
    assert checked > 10, "the data must exercise suppression with published shares"
    # a guard against over-suppression: about 30% of rows keep their share on this data once the pattern passes the
    # audit (the finest gender x age band cells of a quarter are mostly under k); a collapse would fall far below
    assert published["share_pct"].notna().sum() > len(published) / 4, "shares must stay useful to analysts"
    margins = published[
        (published["incident_type"] == "all")
        & (published["victim_age_band"] == "all")
        & (published["victim_gender"] != "all")
        & (published["source"] == "all")
    ]
    assert margins["share_pct"].notna().mean() > 0.5, "most quarters' gender shares must be published"


@pytest.mark.parametrize(
    ("yearly", "monthly"), [("helpline_cases", "cases"), ("takedown_requests", "takedown_requests")]
)
def test_yearly_totals_do_not_reveal_suppressed_monthly_cells(
    pipeline_run: PipelineRun, yearly: str, monthly: str
) -> None:
    """A yearly count per platform is the sum of that platform's monthly cells: the year less the
    published months gives the suppressed months. It must never pin any of them down."""
    k = pipeline_run.settings.suppression_k
    tables = published_tables(pipeline_run)
    months = tables["platform_monthly"].assign(year=lambda f: pd.to_datetime(f["month"]).dt.year)
    months = months[(months["source"] != "all") & (months["incident_type"] != "all")]  # the finest cells
    checked = 0
    for _, row in tables["platform_exposure_vs_reports"].dropna(subset=[yearly]).iterrows():
        cells = months[(months["year"] == row["year"]) & (months["platform"] == row["platform"])]
        hidden = cells[monthly].isna() & cells["suppressed"]
        m = int(hidden.sum())
        if m == 0:
            continue
        remainder = row[yearly] - cells.loc[~hidden, monthly].sum()
        # a hidden cell is at least 1 only where its row exists for nothing else (the other side published 0)
        other = "takedown_requests" if monthly == "cases" else "cases"
        at_least_one = int((hidden & (cells[other] == 0)).sum())
        assert m >= 2 and remainder - at_least_one >= k - 1, (row["year"], row["platform"], m, remainder)
        checked += 1
    assert checked > 5


def test_monitoring_history_holds_every_check_and_sees_the_drifting_month(pipeline_run: PipelineRun) -> None:
    """The generated exports end on a month with a new platform name and a jump in Telegram's share."""
    conn = duckdb.connect(str(pipeline_run.settings.published_db), read_only=True)
    try:
        checks = conn.execute("SELECT * FROM monitoring_checks").df()
        alerts = conn.execute("SELECT * FROM alerts").df()
    finally:
        conn.close()
    # the dsa dumps are checked by dump day (tests/test_dsa_drift.py); the rest of this test is about the helplines
    dsa = checks[checks["source"] == "dsa"]
    assert set(dsa["check_name"]) == {"missing_day", "platform_volume", "harm_group_gone"}
    assert set(dsa["period"].astype(str)) == {"2025-07-02"}  # the newest dump of the sample
    checks, alerts = checks[checks["source"] != "dsa"], alerts[alerts["source"] != "dsa"]
    # pipeline alerts (a run published while the disclosure audit does not block, issue 15) are not drift
    alerts = alerts[alerts["source"] != "pipeline"]
    checks_names = {"freshness", "volume", "distribution_shift", "missing_rate", "unmapped_value"}
    assert set(zip(checks["source"], checks["check_name"])) == {
        (s, c) for s in ("childfocus", "igvm", "takedown") for c in checks_names
    }
    assert set(checks["period"].astype(str)) == {"2026-09-01"}  # the month before the newest export (2026-10-01)
    assert set(checks["baseline_months"][checks["check_name"] != "freshness"]) == {6}
    flagged = checks[checks["status"].isin(["warn", "error"])]
    for source in ("childfocus", "igvm", "takedown"):
        mine = flagged[flagged["source"] == source]
        assert "platform_mix" in set(mine["subject"]), source
        assert BLUESKY in set(mine["subject"]), source
        freshness = checks[(checks["source"] == source) & (checks["check_name"] == "freshness")].iloc[0]
        assert freshness["status"] in ("warn", "error") and "2026-10-01" in freshness["detail"]  # exports are old now
    # the stable fields did not move
    assert not set(flagged["check_name"]) & {"missing_rate"}
    assert not set(flagged["subject"]) & {"victim_gender", "victim_age_band", "channel"}
    # every flagged source and check raised one open alert, kept in the table (no webhook here)
    assert set(zip(alerts["source"], alerts["check_name"])) == set(zip(flagged["source"], flagged["check_name"]))
    assert set(alerts["delivery_state"]) == {"log_only"} and set(alerts["state"]) == {"open"}
    report = (pipeline_run.settings.reports_dir / "report.html").read_text()
    assert "Drift checks (latest run)" in report and BLUESKY in report and "bluesky" not in report
