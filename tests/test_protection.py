"""The suppression the marts use (orchestration/disclosure/protection.py) against the independent audit.

Cases and requests are drawn at random (a fixed seed) in the shape of the demo but smaller: three months of one
quarter, two sources, six platforms (a case may name two), three incident types, genders and age bands, most
cells small; a second draw has one platform in most cases, so the bounds on `platform = all` bind. The cells are
recomputed in pandas (tests/disclosure_checks.py), suppressed, written as a publication the way the marts write
it, and `ncii audit`'s code must find nothing exposed. The relation-by-relation heuristic alone
(`suppression.suppress`, protection's first step) fails the first draw, so the test sees the linear-programming
rounds at work.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from orchestration.disclosure.audit import audit_publication
from orchestration.disclosure.protection import protect
from orchestration.disclosure.suppression import suppress, suppressed_cells
from tests.disclosure_checks import expected_platform_monthly, expected_victim_demographics
from tests.test_disclosure_audit import write_publication

K = 5
MONTHS = [pd.Timestamp(f"2025-0{m}-01").date() for m in (1, 2, 3)]
PLATFORMS = ["snapchat", "instagram", "tiktok", "telegram", "discord", "x"]
INCIDENTS = ["deepnude", "real_image", "sextortion"]
PLATFORM_SHARES = np.array([0.35, 0.25, 0.15, 0.1, 0.08, 0.07])
# one platform in most cases: its count comes close to its `all` row, so the bounds on `platform = all` bind
DOMINANT_SHARES = np.array([0.75, 0.1, 0.05, 0.04, 0.03, 0.03])
FINAL = ["removed", "removed", "removed", "rejected", "no_response", "pending"]


def _intermediate(shares: np.ndarray, seed: int = 1) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    hours = np.random.default_rng(seed + 1000)  # its own stream: the draws of the counts stay as they were
    cases, platforms, requests = [], [], []
    for n in range(420):
        month = MONTHS[rng.integers(3)]
        case = dict(
            case_key=f"c{n}",
            source=rng.choice(["childfocus", "igvm"], p=[0.65, 0.35]),
            opened_month=month,
            opened_quarter=MONTHS[0],
            incident_type=rng.choice(INCIDENTS, p=[0.5, 0.3, 0.2]),
            ai_generated=bool(rng.random() < 0.4),
            victim_gender=rng.choice(["female", "male", "non_binary"], p=[0.7, 0.27, 0.03]),
            victim_age_band=rng.choice(["12_14", "15_17", "18_21"], p=[0.3, 0.45, 0.25]),
        )
        cases.append(case)
        named = rng.choice(PLATFORMS, size=1 + int(rng.random() < 0.4), replace=False, p=shares)
        for platform in named:
            platforms.append(
                {key: case[key] for key in ("case_key", "source", "opened_month", "incident_type", "ai_generated")}
                | {"platform": platform}
            )
            if rng.random() < 0.5:
                requests.append(
                    dict(
                        request_id=f"r{len(requests)}",
                        submitted_month=month,
                        case_source=case["source"],
                        platform=platform,
                        case_incident_type=case["incident_type"],
                        outcome=rng.choice(FINAL),
                        hours_to_removal=float(hours.gamma(1.5, 25.0)),  # a third within 24 h, most within 48 h
                    )
                )
    return {"cases": pd.DataFrame(cases), "case_platforms": pd.DataFrame(platforms), "requests": pd.DataFrame(requests)}


def _publish(path: Path, method, shares: np.ndarray = PLATFORM_SHARES, speed_pattern: bool = True) -> Path:
    """The marts as the models write them, NULL where the pattern says (rates and shares only over published
    counts), with the yearly mart's counts. `speed_pattern=False` shows every removed-within-24 h / 48 h rate
    whose removal rate is shown, whatever the pattern says of the counts behind them."""
    tables = _intermediate(shares)
    keys = ["month", "source", "platform", "incident_type"]
    # the per-case rows roll `platform = all` up twice (already `all`): one of each is enough
    pm = expected_platform_monthly(tables).drop_duplicates(keys).reset_index(drop=True)
    vdq = expected_victim_demographics(tables)
    hidden = suppressed_cells(pm, vdq, K, method=method)
    pm_hidden = hidden[hidden["mart"] == "platform_monthly"].assign(month=lambda f: pd.to_datetime(f["period"]).dt.date)
    out = pm.copy()
    for measure in ("cases", "ai_generated_cases", "takedown_requests", "takedowns_removed", "final_requests"):
        rows = pm_hidden[pm_hidden["measure"] == measure][keys].assign(hide=True)
        flag = out[keys].merge(rows, on=keys, how="left")["hide"].fillna(False).astype(bool).to_numpy()
        out[f"{measure}_hidden"] = flag
    rate_ok = ~(out["takedowns_removed_hidden"] | out["final_requests_hidden"]) & (out["final_requests"] >= K)
    out["removal_rate"] = np.where(rate_ok, out["takedowns_removed"] / out["final_requests"].clip(lower=1), np.nan)
    both_all = (out["source"] == "all") & (out["incident_type"] == "all")
    for hours in (24, 48):
        within = f"removed_within_{hours}h"
        rows = pm_hidden[pm_hidden["measure"] == within][keys].assign(hide=True)
        hide = out[keys].merge(rows, on=keys, how="left")["hide"].fillna(False).astype(bool).to_numpy()
        shown = rate_ok & both_all & (~hide if speed_pattern else True)
        out[f"{within}_rate"] = np.where(shown, out[within] / out["final_requests"].clip(lower=1), np.nan)
    for measure in ("cases", "ai_generated_cases", "takedown_requests", "takedowns_removed"):
        out[measure] = out[measure].astype("Int64").mask(out[f"{measure}_hidden"])
    pm_out = out[
        [
            *keys,
            "cases",
            "ai_generated_cases",
            "takedown_requests",
            "takedowns_removed",
            "removal_rate",
            "removed_within_24h_rate",
            "removed_within_48h_rate",
        ]
    ]
    vdq_keys = ["quarter", "source", "incident_type", "victim_gender", "victim_age_band"]
    vdq_hidden = hidden[hidden["mart"] == "victim_demographics_quarterly"][
        ["source", "incident_type", "victim_gender", "victim_age_band"]
    ]
    v = vdq.merge(vdq_hidden.assign(hide=True), on=vdq_keys[1:], how="left")
    v["hide"] = v["hide"].fillna(False).astype(bool)
    totals = v[(v["victim_gender"] == "all") & (v["victim_age_band"] == "all")][
        ["source", "incident_type", "cases", "hide"]
    ].rename(columns={"cases": "total", "hide": "total_hidden"})
    v = v.merge(totals, on=["source", "incident_type"])
    v["share_pct"] = np.where(v["hide"] | v["total_hidden"], np.nan, 100.0 * v["cases"] / v["total"])
    v["cases"] = v["cases"].astype("Int64").mask(v["hide"])
    pevr = []
    for platform in [*PLATFORMS, "all"]:
        year = hidden[(hidden["mart"] == "platform_exposure_vs_reports") & (hidden["platform"] == platform)]
        months = pm[(pm["source"] == "all") & (pm["platform"] == platform) & (pm["incident_type"] == "all")]
        cases, requests = int(months["cases"].sum()), int(months["takedown_requests"].sum())
        pevr.append(
            dict(
                year=2025,
                platform=platform,
                helpline_cases=None if (year["measure"] == "helpline_cases").any() else cases,
                takedown_requests=None if (year["measure"] == "takedown_requests").any() else requests,
            )
        )
    return write_publication(
        path,
        {
            "platform_monthly": pm_out,
            "victim_demographics_quarterly": v[[*vdq_keys, "cases", "share_pct"]],
            "platform_exposure_vs_reports": pd.DataFrame(pevr).astype(
                {"helpline_cases": "Int64", "takedown_requests": "Int64"}
            ),
        },
    )


@pytest.mark.parametrize("shares", [PLATFORM_SHARES, DOMINANT_SHARES], ids=["spread", "one-dominant-platform"])
def test_the_linear_programming_pattern_passes_the_audit(shares: np.ndarray, tmp_path: Path) -> None:
    result = audit_publication(_publish(tmp_path / "lp.duckdb", protect, shares), K)
    assert result.audited > 500, "the data must hold many suppressed counts"
    assert result.passed, result.lines()[:5]


def test_the_default_pattern_fails_the_same_audit(tmp_path: Path) -> None:
    """Why protection.py goes on after the heuristic: on its own it leaves counts a reader can narrow."""
    assert not audit_publication(_publish(tmp_path / "default.duckdb", suppress), K).passed


def test_the_audit_sees_removals_within_24_and_48_hours(tmp_path: Path) -> None:
    """The rates over final outcomes give the counts of removals within 24 h and 48 h back: shown without the
    pattern, small ones are exposed; the pattern hides some of them and the audit passes (the test above)."""
    hidden = suppressed_cells(*_grid_frames(), K, method=protect)
    assert hidden["measure"].isin(["removed_within_24h", "removed_within_48h"]).any()
    result = audit_publication(_publish(tmp_path / "speed.duckdb", protect, speed_pattern=False), K)
    assert not result.passed
    assert any("removed within" in line for line in result.lines()), result.lines()[:5]


def _grid_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    tables = _intermediate(PLATFORM_SHARES)
    keys = ["month", "source", "platform", "incident_type"]
    return expected_platform_monthly(tables).drop_duplicates(keys).reset_index(drop=True), expected_victim_demographics(
        tables
    )
