"""The helpline marts agree with an independent pandas computation over the landing files."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from benchmarks.pandas_baseline import compute_marts, load_cases
from tests.conftest import PipelineRun

KEYS = {
    "platform_monthly": ["month", "source", "platform", "incident_type"],
    "victim_demographics_quarterly": ["quarter", "source", "incident_type", "victim_gender", "victim_age_band"],
}


@pytest.fixture(scope="module")
def expected(pipeline_run: PipelineRun, generated_landing) -> dict[str, pd.DataFrame]:
    return compute_marts(generated_landing, k=pipeline_run.settings.suppression_k)


def _published(run: PipelineRun, mart: str) -> pd.DataFrame:
    conn = duckdb.connect(str(run.settings.published_db), read_only=True)
    try:
        return conn.execute(f"SELECT * FROM {mart}").df()
    finally:
        conn.close()


def test_the_generated_set_is_big_enough(generated_landing) -> None:
    assert len(load_cases(generated_landing)) >= 20_000


@pytest.mark.parametrize("mart", sorted(KEYS))
def test_mart_matches_pandas_for_every_cell(pipeline_run: PipelineRun, expected, mart: str) -> None:
    keys = KEYS[mart]
    got = _published(pipeline_run, mart)
    want = expected[mart]
    for frame in (got, want):
        frame[keys[0]] = pd.to_datetime(frame[keys[0]]).dt.date
    assert len(got) == len(want)
    merged = got.merge(want, on=keys, how="outer", suffixes=("", "_pandas"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    measures = [c for c in want.columns if c not in keys]
    for measure in measures:
        mine, theirs = merged[measure], merged[f"{measure}_pandas"]
        if measure == "suppressed":
            assert (mine.astype(bool) == theirs.astype(bool)).all(), measure
            continue
        # every unsuppressed (published) value equals the independent one; NULLs coincide
        assert (mine.isna() == theirs.isna()).all(), (measure, merged[mine.isna() != theirs.isna()].head())
        both = mine.notna()
        np.testing.assert_allclose(
            mine[both].astype(float), theirs[both].astype(float), rtol=1e-9, atol=0.01, err_msg=measure
        )
