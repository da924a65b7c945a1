"""The README's analyst guide examples run against a real publication, and answer what they say."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import PipelineRun
from tests.disclosure_checks import intermediate

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLES = 6


def guide_queries() -> list[str]:
    text = README.read_text()
    guide = text[text.index("## Analyst guide") :]
    guide = guide[: guide.index("\n## ", 3)]
    return re.findall(r"```sql\n(.*?)```", guide, re.S)


def _run(run: PipelineRun, index: int) -> pd.DataFrame:
    conn = duckdb.connect(str(run.settings.published_db), read_only=True)
    try:
        return conn.execute(guide_queries()[index]).df()
    finally:
        conn.close()


def test_the_guide_has_its_examples() -> None:
    assert len(guide_queries()) == EXAMPLES


@pytest.mark.parametrize("index", range(EXAMPLES))
def test_guide_example_runs_and_answers(pipeline_run: PipelineRun, index: int) -> None:
    assert len(_run(pipeline_run, index)) >= 2


@pytest.fixture(scope="module")
def truth(pipeline_run: PipelineRun) -> dict[str, pd.DataFrame]:
    return intermediate(pipeline_run.settings.warehouse_db)


def test_cases_per_month_per_source_are_the_distinct_cases(pipeline_run: PipelineRun, truth) -> None:
    got = _run(pipeline_run, 1)
    cases = truth["cases"]
    want = pd.concat(
        [
            cases.groupby(["opened_month", "source"]).size(),
            cases.groupby("opened_month").size().to_frame().assign(source="all").set_index("source", append=True)[0],
        ]
    )
    got = got.set_index([pd.to_datetime(got["month"]), "source"])["cases"]
    want.index = want.index.set_levels(pd.to_datetime(want.index.levels[0]), level=0)
    assert got.notna().all() and len(got) == len(want)  # every monthly total per source is published
    assert (got.sort_index() == want.sort_index().astype(got.dtype)).all()


def test_platform_share_is_over_the_distinct_cases(pipeline_run: PipelineRun, truth) -> None:
    got = _run(pipeline_run, 2).dropna()
    per_platform = truth["case_platforms"]
    snapchat = per_platform[per_platform.platform == "snapchat"].groupby("opened_month").size()
    every = truth["cases"].groupby("opened_month").size()
    want = (100 * snapchat / every).round(1)
    want.index = pd.to_datetime(want.index)
    assert len(got) >= 10
    assert got.set_index(pd.to_datetime(got["month"]))["snapchat_pct"].equals(
        want.loc[pd.to_datetime(got["month"])].rename("snapchat_pct")
    )


def test_ai_share_of_deepnude_cases(pipeline_run: PipelineRun, truth) -> None:
    got = _run(pipeline_run, 3).dropna()
    deepnude = truth["cases"][truth["cases"].incident_type == "deepnude"]
    want = deepnude.groupby("opened_month").agg(
        cases=("case_key", "size"), ai=("ai_generated", lambda v: v.fillna(False).astype(bool).sum())
    )
    want.index = pd.to_datetime(want.index)
    got = got.set_index(pd.to_datetime(got["month"]))
    assert len(got) >= 10
    assert (got["cases"] == want.loc[got.index, "cases"]).all()
    assert (got["ai_generated_cases"] == want.loc[got.index, "ai"]).all()


def test_cases_by_age_band_add_up_to_the_quarter(pipeline_run: PipelineRun, truth) -> None:
    got = _run(pipeline_run, 4)
    cases = truth["cases"].assign(quarter=lambda f: pd.to_datetime(f["opened_quarter"]))
    want = cases.groupby(["quarter", "victim_age_band"]).size()
    published = got[(got.victim_age_band != "all") & got.cases.notna()]
    assert len(published) >= 10
    for row in published.itertuples():
        assert row.cases == want[(pd.Timestamp(row.quarter), row.victim_age_band)]
