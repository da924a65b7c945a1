"""Survey estimates a statistician can defend: bases, weights, Wilson on Kish's n_eff, both formats."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.runner import run_main_job
from orchestration.sample_data.survey import make_wave, write_qualtrics_csv, write_sav
from tests.conftest import PipelineRun, make_settings

FIXTURES = Path(__file__).parent / "fixtures" / "survey"
Z = 1.96
PUBLISHED_2024 = {
    "heard_of_deepnudes": 41.9,
    "received_deepnude": 13.8,
    "knows_deepnude_apps": 12.8,
    "tried_making_among_app_aware": 60.5,
    "came_across_via_snapchat": 32.9,
    "came_across_via_x": 25.7,
    "came_across_via_instagram": 25.5,
    "came_across_via_tiktok": 20.2,
    "came_across_via_telegram": 18.9,
}


@pytest.fixture(scope="module")
def survey_run(tmp_path_factory: pytest.TempPathFactory):
    """One run: the hand fixture as wave 2025 (CSV) and 2025s (SAV), a generated wave as 2024 (CSV) and 2024s (SAV)."""
    landing = tmp_path_factory.mktemp("survey_landing")
    shutil.copy(FIXTURES / "survey_2025_qualtrics.csv", landing / "survey_2025_qualtrics.csv")
    shutil.copy(FIXTURES / "survey_2025.sav", landing / "survey_2025s.sav")
    wave = make_wave("2024", seed=99)
    write_qualtrics_csv(wave, landing / "survey_2024_qualtrics.csv")
    write_sav(wave, landing / "survey_2024s.sav")
    settings = make_settings(landing, tmp_path_factory.mktemp("survey_warehouse"))
    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason
    conn = duckdb.connect(str(settings.warehouse_db), read_only=True)
    yield landing, conn
    conn.close()


def answers(conn, wave: str) -> dict[tuple[str, str], tuple[bool, bool]]:
    rows = conn.execute(
        "SELECT response_id, indicator, in_base, is_yes FROM intermediate.int_survey_indicator_answers WHERE wave = ?",
        [wave],
    ).fetchall()
    return {(r, i): (b, y) for r, i, b, y in rows}


def test_unfinished_responses_are_left_out(survey_run) -> None:
    _, conn = survey_run
    respondents = {r for r, _ in answers(conn, "2025")}
    assert respondents == {"R_aware_tried", "R_aware_no_answer", "R_not_aware", "R_not_sure", "R_heard_x"}


def test_skip_logic_decides_the_base(survey_run) -> None:
    _, conn = survey_run
    a = answers(conn, "2025")
    # asked Q13 (knows apps) and answered yes
    assert a[("R_aware_tried", "tried_making_among_app_aware")] == (True, True)
    # asked Q13 but left it empty: outside both bases
    assert a[("R_aware_no_answer", "tried_making_among_app_aware")][0] is False
    assert a[("R_aware_no_answer", "tried_making_all")][0] is False
    # never asked Q13 (does not know apps): outside the app-aware base, a "no" among all
    assert a[("R_not_aware", "tried_making_among_app_aware")][0] is False
    assert a[("R_not_aware", "tried_making_all")] == (True, False)
    # "not sure" (3) is in the base as a no; an asked-but-empty single choice leaves the base
    assert a[("R_not_sure", "heard_of_deepnudes")] == (True, False)
    assert a[("R_not_sure", "received_deepnude")][0] is False


def test_multi_select_options(survey_run) -> None:
    _, conn = survey_run
    a = answers(conn, "2025")
    # asked (heard of deepnudes) and option left empty: in the base, counts as no
    assert a[("R_aware_no_answer", "came_across_via_snapchat")] == (True, False)
    assert a[("R_heard_x", "came_across_via_x")] == (True, True)
    # not asked (did not hear of deepnudes): outside the base
    assert a[("R_not_aware", "came_across_via_snapchat")][0] is False
    # reasons are asked only of those who tried
    assert a[("R_aware_tried", "reason_curiosity")] == (True, True)
    assert a[("R_heard_x", "reason_curiosity")][0] is False


def test_sav_and_qualtrics_csv_give_identical_results(survey_run) -> None:
    _, conn = survey_run
    assert answers(conn, "2025") == answers(conn, "2025s")
    # floats rounded to 9 decimals: parallel sums may differ in the last bits between two scans
    columns = (
        "indicator, breakdown, group_value, base, n_base, round(weighted_pct, 9), round(ci_low_pct, 9), "
        "round(ci_high_pct, 9), low_reliability, suppressed"
    )
    csv_rows = conn.execute(
        f"SELECT {columns} FROM marts.survey_prevalence WHERE wave = '2024' ORDER BY ALL"
    ).fetchall()
    sav_rows = conn.execute(
        f"SELECT {columns} FROM marts.survey_prevalence WHERE wave = '2024s' ORDER BY ALL"
    ).fetchall()
    assert len(csv_rows) > 100 and csv_rows == sav_rows


def reference_estimates(path: Path) -> pd.DataFrame:
    """Every estimate of a wave, from the Qualtrics file, written from the contract's rules in numpy."""
    raw = pd.read_csv(path, skiprows=[1, 2], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw = raw[raw["Finished"] == "1"]
    q = {
        c: pd.to_numeric(raw[c].replace("", np.nan)).to_numpy()
        for c in raw.columns
        if c.startswith("Q") or c == "weight"
    }
    answered = {c: ~np.isnan(v) for c, v in q.items()}
    indicators = {
        "heard_of_deepnudes": (answered["Q10"], q["Q10"] == 1),
        "received_deepnude": (answered["Q11"], q["Q11"] == 1),
        "knows_deepnude_apps": (answered["Q12"], q["Q12"] == 1),
        "tried_making_among_app_aware": ((q["Q12"] == 1) & answered["Q13"], q["Q13"] == 1),
        "tried_making_all": (answered["Q12"] & ((q["Q12"] != 1) | answered["Q13"]), q["Q13"] == 1),
        "knows_it_is_a_crime": (answered["Q17"], q["Q17"] == 1),
    }
    for i, platform in enumerate(
        ["snapchat", "x", "instagram", "tiktok", "telegram", "whatsapp", "facebook", "discord", "other"], 1
    ):
        indicators[f"came_across_via_{platform}"] = (q["Q10"] == 1, q[f"Q15_{i}"] == 1)
    for i, reason in enumerate(["humiliate", "revenge", "curiosity", "popularity", "other"], 1):
        indicators[f"reason_{reason}"] = (q["Q13"] == 1, q[f"Q16_{i}"] == 1)
    groups = {
        "total": np.full(len(raw), "total"),
        "gender": np.select([q["Q2"] == 1, q["Q2"] == 2, q["Q2"] == 3], ["male", "female", "non_binary"], "unknown"),
        "age_band": np.select([q["Q1"] <= 17, q["Q1"] <= 21, q["Q1"] <= 25], ["15_17", "18_21", "22_25"], "unknown"),
        "region": np.select(
            [q["Q3"] <= 5, q["Q3"] == 6, q["Q3"] <= 11], ["flanders", "brussels", "wallonia"], "unknown"
        ),
    }
    rows = []
    for indicator, (base, yes) in indicators.items():
        for breakdown, labels in groups.items():
            for group in np.unique(labels[base]):
                member = base & (labels == group)
                w, y = q["weight"][member], yes[member].astype(float)
                n, p = member.sum(), (w * y).sum() / w.sum()
                n_eff = w.sum() ** 2 / (w**2).sum()
                centre = (p + Z**2 / (2 * n_eff)) / (1 + Z**2 / n_eff)
                half = Z * np.sqrt(p * (1 - p) / n_eff + Z**2 / (4 * n_eff**2)) / (1 + Z**2 / n_eff)
                shown = n >= 30
                rows.append(
                    {
                        "indicator": indicator,
                        "breakdown": breakdown,
                        "group_value": group,
                        "n": n,
                        "weighted_pct": 100 * p if shown else np.nan,
                        "ci_low_pct": 100 * (centre - half) if shown else np.nan,
                        "ci_high_pct": 100 * (centre + half) if shown else np.nan,
                        "low_reliability": n < 50,
                        "suppressed": n < 30,
                    }
                )
    return pd.DataFrame(rows)


def test_every_estimate_matches_an_independent_numpy_implementation(survey_run) -> None:
    landing, conn = survey_run
    want = reference_estimates(landing / "survey_2024_qualtrics.csv")
    got = conn.execute("SELECT * FROM marts.survey_prevalence WHERE wave = '2024'").df()
    merged = got.merge(
        want, on=["indicator", "breakdown", "group_value"], how="outer", indicator=True, suffixes=("", "_ref")
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    assert len(merged) == len(want) > 150
    for column in ("weighted_pct", "ci_low_pct", "ci_high_pct"):
        np.testing.assert_allclose(merged[column].astype(float), merged[f"{column}_ref"], atol=0.01, err_msg=column)
    assert (merged["low_reliability"] == merged["low_reliability_ref"]).all()
    assert (merged["suppressed"] == merged["suppressed_ref"]).all()
    shown = merged["n_base"].notna()
    assert (merged.loc[shown, "n_base"] == merged.loc[shown, "n"]).all()
    assert merged["suppressed"].any() and not merged["suppressed"].all()


def test_demo_2024_figures_are_within_their_intervals_of_the_published_ones(pipeline_run: PipelineRun) -> None:
    conn = duckdb.connect(str(pipeline_run.settings.published_db), read_only=True)
    rows = conn.execute(
        """SELECT indicator, weighted_pct, ci_low_pct, ci_high_pct FROM survey_prevalence
           WHERE wave = '2024' AND breakdown = 'total'"""
    ).fetchall()
    by_gender = dict(
        ((indicator, group), pct)
        for indicator, group, pct in conn.execute(
            """SELECT indicator, group_value, weighted_pct FROM survey_prevalence
               WHERE wave = '2024' AND breakdown = 'gender'"""
        ).fetchall()
    )
    conn.close()
    estimates = {indicator: (low, high) for indicator, _, low, high in rows}
    for indicator, published in PUBLISHED_2024.items():
        low, high = estimates[indicator]
        assert low <= published <= high, (indicator, published, low, high)
    for indicator in ("knows_deepnude_apps", "tried_making_all", "tried_making_among_app_aware"):
        assert by_gender[(indicator, "male")] > by_gender[(indicator, "female")], indicator


def test_exposure_vs_reports_has_both_sides_for_every_year(pipeline_run: PipelineRun) -> None:
    conn = duckdb.connect(str(pipeline_run.settings.published_db), read_only=True)
    frame = conn.execute("SELECT * FROM platform_exposure_vs_reports").df()
    conn.close()
    assert not frame.duplicated(["year", "platform"]).any()
    main = frame[frame["platform"].isin(["snapchat", "x", "instagram", "tiktok", "telegram"])]
    assert set(main["year"]) >= {2024, 2025, 2026}
    for _, row in main.iterrows():
        assert (
            row["exposure_pct"] > 0 and row["exposure_ci_low_pct"] < row["exposure_pct"] < row["exposure_ci_high_pct"]
        )
        if pd.isna(row["helpline_cases"]):  # withheld to protect small monthly cells, and said so
            assert row["suppressed"] and pd.isna(row["case_share_pct"])
        else:
            assert row["helpline_cases"] > 0 and 0 < row["case_share_pct"] < 100
        assert row["survey_wave"] == ("2026" if row["year"] >= 2026 else "2024")
    assert main["helpline_cases"].notna().mean() > 0.75
