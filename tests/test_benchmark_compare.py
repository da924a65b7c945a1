"""The benchmark's equality check (benchmarks/compare.py): a publication against a baseline with simpler
suppression compares the values both show, on the same finest rows, and ignores the `all` rows."""

from __future__ import annotations

import pandas as pd

from benchmarks.compare import published_differences

KEYS = ["month", "source", "platform", "incident_type"]


def _baseline() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": ["2025-01-01"] * 3,
            "source": ["childfocus"] * 3,
            "platform": ["snapchat", "instagram", "tiktok"],
            "incident_type": ["deepnude"] * 3,
            "cases": [12.0, None, 7.0],  # instagram: small, hidden by the baseline
            "suppressed": [False, True, False],
        }
    )


def _publication() -> pd.DataFrame:
    published = _baseline()
    published.loc[2, ["cases", "suppressed"]] = [None, True]  # tiktok: hidden by secondary suppression
    total = pd.DataFrame(
        {"month": ["2025-01-01"], "source": ["all"], "platform": ["all"], "incident_type": ["all"], "cases": [22.0]}
    )
    return pd.concat([published, total.assign(suppressed=False)], ignore_index=True)


def test_values_both_show_are_compared_and_more_hiding_is_allowed() -> None:
    assert published_differences(_publication(), _baseline(), KEYS) == []


def test_a_wrong_value_or_a_missing_row_is_reported() -> None:
    wrong = _publication()
    wrong.loc[0, "cases"] = 13.0
    assert any("cases: 1 cells differ" in p for p in published_differences(wrong, _baseline(), KEYS))
    missing = _publication().drop(index=0)
    assert any(p.startswith("rows differ") for p in published_differences(missing, _baseline(), KEYS))
