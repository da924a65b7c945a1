"""Independent checks of the helpline marts: `all` rows recomputed in pandas, and what a reader can subtract.

Nothing here shares code with the models or with orchestration/disclosure: the `all` members are recomputed from
the intermediate tables (one row per case, per case and platform, per request), and the arithmetic a reader can do
on the published marts is redone from the published rows alone.
"""

from __future__ import annotations

from itertools import product

import duckdb
import pandas as pd

ALL = "all"
FINAL = ("removed", "geo_blocked", "rejected", "no_response")


def intermediate(warehouse_db) -> dict[str, pd.DataFrame]:
    conn = duckdb.connect(str(warehouse_db), read_only=True)
    try:
        return {
            "cases": conn.execute(
                "SELECT case_key::varchar AS case_key, source, opened_month, opened_quarter, incident_type, "
                "ai_generated, victim_gender, victim_age_band FROM intermediate.int_cases"
            ).df(),
            "case_platforms": conn.execute(
                "SELECT case_key::varchar AS case_key, source, opened_month, incident_type, ai_generated, platform "
                "FROM intermediate.int_case_platforms"
            ).df(),
            "requests": conn.execute(
                "SELECT request_id, submitted_month, case_source, platform, case_incident_type, outcome, "
                "hours_to_removal FROM intermediate.int_takedown_requests"
            ).df(),
        }
    finally:
        conn.close()


def published(published_db, mart: str) -> pd.DataFrame:
    conn = duckdb.connect(str(published_db), read_only=True)
    try:
        frame = conn.execute(f'SELECT * FROM "{mart}"').df()
    finally:
        conn.close()
    for period in ("month", "quarter"):
        if period in frame:
            frame[period] = pd.to_datetime(frame[period]).dt.date
    return frame


def _rollups(frame: pd.DataFrame, period: str, dims: dict[str, str], measures: dict) -> pd.DataFrame:
    """Every combination of the dimensions rolled up to `all` (a plain groupby per combination)."""
    parts = []
    for rolled in product([False, True], repeat=len(dims)):
        keep = [column for column, is_rolled in zip(dims.values(), rolled) if not is_rolled]
        grouped = frame.groupby([period, *keep]).agg(**measures).reset_index()
        for (name, column), is_rolled in zip(dims.items(), rolled):
            grouped[name] = ALL if is_rolled else grouped[column]
        parts.append(grouped[[period, *dims, *measures]])
    return pd.concat(parts, ignore_index=True)


def expected_platform_monthly(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """platform_monthly before suppression: `platform = all` from one row per case, the rest from case-platforms."""
    measures = {"cases": ("case_key", "size"), "ai_generated_cases": ("ai", "sum")}
    per_platform = tables["case_platforms"].assign(ai=lambda f: f["ai_generated"].fillna(False).astype(bool))
    per_case = tables["cases"].assign(ai=lambda f: f["ai_generated"].fillna(False).astype(bool))
    dims = {"source": "source", "incident_type": "incident_type"}
    platform_rows = pd.concat(
        [
            _rollups(per_platform, "opened_month", {"platform": "platform", **dims}, measures).query(
                "platform != 'all'"
            ),
            _rollups(per_case.assign(platform=ALL), "opened_month", {"platform": "platform", **dims}, measures).query(
                "platform == 'all'"
            ),
        ]
    ).rename(columns={"opened_month": "month"})
    requests = tables["requests"].assign(
        final=lambda f: f["outcome"].isin(FINAL), removed=lambda f: f["outcome"] == "removed"
    )
    for hours in (24, 48):  # removed at most that many hours after submission
        requests[f"within_{hours}h"] = requests["removed"] & (requests["hours_to_removal"] <= hours)
    request_rows = _rollups(
        requests,
        "submitted_month",
        {"source": "case_source", "platform": "platform", "incident_type": "case_incident_type"},
        {
            "takedown_requests": ("request_id", "size"),
            "takedowns_removed": ("removed", "sum"),
            "final_requests": ("final", "sum"),
            "removed_within_24h": ("within_24h", "sum"),
            "removed_within_48h": ("within_48h", "sum"),
        },
    ).rename(columns={"submitted_month": "month"})
    keys = ["month", "source", "platform", "incident_type"]
    out = platform_rows.merge(request_rows, on=keys, how="outer")
    counts = [
        "cases",
        "ai_generated_cases",
        "takedown_requests",
        "takedowns_removed",
        "final_requests",
        "removed_within_24h",
        "removed_within_48h",
    ]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["month"] = pd.to_datetime(out["month"]).dt.date
    return out


def within_rate_problems(got: pd.DataFrame, want: pd.DataFrame) -> list[str]:
    """The published shares removed within 24 h / 48 h against removals within / final outcomes recomputed: only on
    rows whose source and incident type are `all`, and equal where published."""
    keys = ["month", "source", "platform", "incident_type"]
    merged = got.merge(want, on=keys, suffixes=("", "_want"))
    problems = []
    for hours in (24, 48):
        column = f"removed_within_{hours}h_rate"
        shown = merged[merged[column].notna()]
        elsewhere = shown[(shown["source"] != ALL) | (shown["incident_type"] != ALL)]
        if len(elsewhere):
            problems.append(f"{column}: {len(elsewhere)} rows below `all`")
        truth = shown[f"removed_within_{hours}h"] / shown["final_requests"]
        wrong = shown[(shown[column] - truth).abs() > 1e-9]
        if len(wrong):
            problems.append(f"{column}: {len(wrong)} differ, e.g. {wrong[keys + [column]].head(3).to_dict('records')}")
    return problems


def expected_victim_demographics(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    dims = {d: d for d in ("source", "incident_type", "victim_gender", "victim_age_band")}
    out = _rollups(tables["cases"], "opened_quarter", dims, {"cases": ("case_key", "size")})
    out = out.rename(columns={"opened_quarter": "quarter"})
    out["quarter"] = pd.to_datetime(out["quarter"]).dt.date
    return out


def compare(got: pd.DataFrame, want: pd.DataFrame, keys: list[str], measures: list[str]) -> list[str]:
    """Published values that differ from the recomputation (a NULL is fine: suppression is checked elsewhere),
    and rows present on one side only."""
    got = got.copy()
    got[keys[0]] = pd.to_datetime(got[keys[0]]).dt.date
    merged = got.merge(want, on=keys, how="outer", suffixes=("", "_want"), indicator=True)
    problems = []
    lonely = merged[merged["_merge"] != "both"]
    if len(lonely):
        example = lonely[keys + ["_merge"]].head(3).to_dict("records")
        problems.append(f"{len(lonely)} rows on one side only, e.g. {example}")
    both = merged[merged["_merge"] == "both"]
    for measure in measures:
        wrong = both[both[measure].notna() & (both[measure] != both[f"{measure}_want"])]
        if len(wrong):
            problems.append(
                f"{measure}: {len(wrong)} differ, e.g. "
                f"{wrong[keys + [measure, measure + '_want']].head(3).to_dict('records')}"
            )
    return problems


def _pins(frame: pd.DataFrame, keys: list[str], measure: str, dimension: str, k: int) -> list[str]:
    """Relations `all` = sum of the members along one dimension where the published values pin a NULL one: the
    total is published and one member is NULL, or the NULL members add up to less than k-1 (or the total is NULL
    and every member is published)."""
    others = [key for key in keys if key != dimension]
    members = frame[frame[dimension] != ALL]
    totals = frame[frame[dimension] == ALL].set_index(others)[measure]
    problems = []
    for group, rows in members.groupby(others, dropna=False):
        if group not in totals.index:
            continue
        total = totals.loc[group]
        hidden = rows[measure].isna().sum()
        if pd.isna(total):
            if hidden == 0:
                problems.append(f"{measure} {dimension} {group}: NULL total, all members published")
        elif hidden and (hidden == 1 or total - rows[measure].sum() < k - 1):
            problems.append(
                f"{measure} {dimension} {group}: {hidden} NULL members add up to {total - rows[measure].sum():.0f}"
            )
    return problems


def pinned_by_arithmetic(published_db, k: int) -> list[str]:
    """What a reader can subtract from the published helpline marts; [] when no NULL count is pinned by a total
    less its members, a complement, a quarter against its months or a year against its months."""
    pm = published(published_db, "platform_monthly")
    vdq = published(published_db, "victim_demographics_quarterly")
    pevr = published(published_db, "platform_exposure_vs_reports")
    pm_keys = ["month", "source", "platform", "incident_type"]
    problems = []
    for measure in ("cases", "ai_generated_cases", "takedown_requests", "takedowns_removed"):
        for dimension in ("source", "incident_type"):
            problems += _pins(pm, pm_keys, measure, dimension, k)
    for measure in ("takedown_requests", "takedowns_removed"):  # one platform per request: a sum
        problems += _pins(pm, pm_keys, measure, "platform", k)
    vdq_keys = ["quarter", "source", "incident_type", "victim_gender", "victim_age_band"]
    for dimension in vdq_keys[1:]:
        problems += _pins(vdq, vdq_keys, "cases", dimension, k)

    def small(values: pd.Series) -> pd.Series:
        return values.between(1, k - 1)

    final = (pm["takedowns_removed"] / pm["removal_rate"]).round()
    for name, difference in {
        "cases - ai_generated_cases": pm["cases"] - pm["ai_generated_cases"],
        "takedown_requests - takedowns_removed": pm["takedown_requests"] - pm["takedowns_removed"],
        "pending (requests - final outcomes)": pm["takedown_requests"] - final,
        "final outcomes - removed": final - pm["takedowns_removed"],
    }.items():
        if small(difference).any():
            problems.append(f"{name}: {int(small(difference).sum())} rows from 1 to k-1")

    # a quarter (all genders and ages) against its months (all platforms); a year against its months
    months = pm[(pm["platform"] == ALL)].assign(
        quarter=lambda f: pd.to_datetime(f["month"]).dt.to_period("Q").dt.start_time.dt.date
    )
    quarters = vdq[(vdq["victim_gender"] == ALL) & (vdq["victim_age_band"] == ALL)]
    quarters = quarters.assign(quarter=pd.to_datetime(quarters["quarter"]).dt.date)
    for (quarter, source, incident), rows in months.groupby(["quarter", "source", "incident_type"]):
        total = quarters[
            (quarters.quarter == quarter) & (quarters.source == source) & (quarters.incident_type == incident)
        ]["cases"]
        if len(total) and pd.notna(total.iloc[0]):
            problems += _leftover(f"quarter {quarter} {source} {incident}", total.iloc[0], rows["cases"], k)
    yearly = pm[(pm["source"] == ALL) & (pm["incident_type"] == ALL) & (pm["platform"] != ALL)]
    yearly = yearly.assign(year=pd.to_datetime(yearly["month"]).dt.year)
    for (year, platform), rows in yearly.groupby(["year", "platform"]):
        row = pevr[(pevr.year == year) & (pevr.platform == platform)]
        for measure, column in (("helpline_cases", "cases"), ("takedown_requests", "takedown_requests")):
            if len(row) and pd.notna(row[measure].iloc[0]):
                problems += _leftover(f"year {year} {platform} {measure}", row[measure].iloc[0], rows[column], k)
    return problems


def _leftover(what: str, total: float, members: pd.Series, k: int) -> list[str]:
    hidden = members.isna().sum()
    rest = total - members.sum()
    if hidden and (hidden == 1 or rest < k - 1):
        return [f"{what}: {hidden} NULL months add up to {rest:.0f}"]
    return []
