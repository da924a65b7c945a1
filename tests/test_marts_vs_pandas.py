"""The helpline marts agree with an independent pandas computation over the landing files."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from benchmarks.compare import MART_KEYS, mart_differences
from benchmarks.pandas_baseline import compute_marts, load_cases
from tests.conftest import PipelineRun


@pytest.fixture(scope="module")
def expected(pipeline_run: PipelineRun, generated_landing) -> dict[str, pd.DataFrame]:
    return compute_marts(generated_landing, k=pipeline_run.settings.suppression_k)


@pytest.fixture(scope="module")
def unsuppressed(generated_landing) -> dict[str, pd.DataFrame]:
    """The same computation with nothing suppressed (k = 1: no count is from 1 to k-1)."""
    return compute_marts(generated_landing, k=1)


def _published(run: PipelineRun, mart: str) -> pd.DataFrame:
    conn = duckdb.connect(str(run.settings.published_db), read_only=True)
    try:
        return conn.execute(f"SELECT * FROM {mart}").df()
    finally:
        conn.close()


def test_the_generated_set_is_big_enough(generated_landing) -> None:
    assert len(load_cases(generated_landing)) >= 20_000


@pytest.mark.parametrize("mart", sorted(MART_KEYS))
def test_mart_matches_pandas_for_every_cell(pipeline_run: PipelineRun, unsuppressed, mart: str) -> None:
    """Every row of the finest grain is there, and every published value is the pandas value. Which cells are
    NULL is decided across the linked marts (secondary suppression, which the pandas baseline does not do):
    tests/test_all_members.py and `ncii audit` check that part."""
    keys = MART_KEYS[mart]
    got = _published(pipeline_run, mart)
    got = got[(got[keys[1:]] != "all").all(axis=1)].reset_index(drop=True)
    assert len(got) > 1000
    want = unsuppressed[mart].drop(columns="suppressed")
    for frame in (got, want):
        frame[keys[0]] = pd.to_datetime(frame[keys[0]]).dt.date
    aligned = got[keys].merge(want, on=keys, how="left")
    for measure in (c for c in want.columns if c not in keys):
        aligned.loc[got[measure].isna().to_numpy(), measure] = None  # compare the published values only
    assert mart_differences(got.drop(columns="suppressed"), aligned, keys) == []
    assert len(got) == len(want), "rows only on one side"


def test_the_comparison_catches_a_wrong_cell(expected) -> None:
    """Guard against a comparison that cannot fail: one changed count is reported."""
    want = expected["platform_monthly"]
    got = want.copy()
    row = got["cases"].first_valid_index()
    got.loc[row, "cases"] += 1
    problems = mart_differences(got, want, MART_KEYS["platform_monthly"])
    assert len(problems) == 1 and problems[0].startswith("cases: 1 cells differ")
