"""Cell-by-cell comparison of two versions of a mart (pipeline vs an independent computation)."""

from __future__ import annotations

import numpy as np
import pandas as pd

MART_KEYS = {
    "platform_monthly": ["month", "source", "platform", "incident_type"],
    "victim_demographics_quarterly": ["quarter", "source", "incident_type", "victim_gender", "victim_age_band"],
}


def mart_differences(got: pd.DataFrame, want: pd.DataFrame, keys: list[str], tolerance: float = 0.01) -> list[str]:
    """What differs: missing or extra rows, NULLs in different places, values apart by more than `tolerance`."""
    got, want = got.copy(), want.copy()
    for frame in (got, want):
        frame[keys[0]] = pd.to_datetime(frame[keys[0]]).dt.date
    merged = got.merge(want, on=keys, how="outer", suffixes=("", "_expected"), indicator=True)
    problems = []
    unmatched = merged[merged["_merge"] != "both"]
    if len(unmatched):
        problems.append(
            f"{len(unmatched)} rows only on one side, e.g. {unmatched[keys + ['_merge']].head(3).to_dict('records')}"
        )
    merged = merged[merged["_merge"] == "both"]
    for measure in (c for c in want.columns if c not in keys):
        mine, theirs = merged[measure], merged[f"{measure}_expected"]
        if measure == "suppressed":
            wrong = mine.astype(bool) != theirs.astype(bool)
        else:
            mine, theirs = mine.astype("float64"), theirs.astype("float64")
            both = mine.notna() & theirs.notna()
            wrong = (mine.isna() != theirs.isna()) | (both & ~np.isclose(mine, theirs, rtol=1e-9, atol=tolerance))
        if wrong.any():
            example = merged.loc[wrong, keys + [measure, f"{measure}_expected"]].head(3).to_dict("records")
            problems.append(f"{measure}: {int(wrong.sum())} cells differ, e.g. {example}")
    return problems


def published_differences(got: pd.DataFrame, want: pd.DataFrame, keys: list[str]) -> list[str]:
    """A publication against a baseline with its own, simpler suppression: the finest rows of both, the same rows on
    both sides, and every value both show equal. Which cells are NULL differs by design (the publication hides more
    across the linked marts; a baseline's own secondary rule can hide a cell the publication shows), so a cell NULL
    on either side is not compared; tests/test_all_members.py and `ncii audit` check that part."""
    got = got[(got[keys[1:]] != "all").all(axis=1)].reset_index(drop=True)
    got, want = got.copy(), want.copy()
    for frame in (got, want):
        frame[keys[0]] = pd.to_datetime(frame[keys[0]]).dt.date
    aligned = got[keys].merge(want, on=keys, how="left", indicator=True)
    problems = []
    if len(got) != len(want) or (aligned.pop("_merge") != "both").any():
        problems.append(f"rows differ: {len(got)} published, {len(want)} in the baseline")
    columns = [c for c in want.columns if c != "suppressed"]
    for measure in (c for c in columns if c not in keys):
        either = (got[measure].isna() | aligned[measure].isna()).to_numpy()
        got.loc[either, measure] = None
        aligned.loc[either, measure] = None
    return problems + mart_differences(got[columns], aligned[columns], keys)
