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


def _published(run: PipelineRun, mart: str) -> pd.DataFrame:
    conn = duckdb.connect(str(run.settings.published_db), read_only=True)
    try:
        return conn.execute(f"SELECT * FROM {mart}").df()
    finally:
        conn.close()


def test_the_generated_set_is_big_enough(generated_landing) -> None:
    assert len(load_cases(generated_landing)) >= 20_000


@pytest.mark.parametrize("mart", sorted(MART_KEYS))
def test_mart_matches_pandas_for_every_cell(pipeline_run: PipelineRun, expected, mart: str) -> None:
    got = _published(pipeline_run, mart)
    assert len(got) > 1000
    assert mart_differences(got, expected[mart], MART_KEYS[mart]) == []


def test_the_comparison_catches_a_wrong_cell(expected) -> None:
    """Guard against a comparison that cannot fail: one changed count is reported."""
    want = expected["platform_monthly"]
    got = want.copy()
    row = got["cases"].first_valid_index()
    got.loc[row, "cases"] += 1
    problems = mart_differences(got, want, MART_KEYS["platform_monthly"])
    assert len(problems) == 1 and problems[0].startswith("cases: 1 cells differ")
