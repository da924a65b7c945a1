"""Issue 15's acceptance on the demo itself: the landing `ncii demo` writes (seed 2026, 25 months, about 10,500
cases), published through the gate, then checked from outside.

Slow (minutes on one core: the demo's suppression and its audit are most of it), so `make test-all` runs it
and CI does not; the end-to-end run checks the same properties on smaller generated data in every CI run.
"""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.disclosure.audit import audit_publication
from orchestration.runner import run_main_job
from tests import test_analyst_guide as guide
from tests.conftest import PipelineRun, make_settings
from tests.disclosure_checks import intermediate, published
from tests.test_all_members import _check_all_rows

pytestmark = pytest.mark.slow

DEMO_SEED = 2026  # `ncii demo`'s default


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    from orchestration.sample_data.dsa import generate_demo_dsa
    from orchestration.sample_data.helpline import generate_helpline_landing
    from orchestration.sample_data.survey import generate_survey_landing

    landing = tmp_path_factory.mktemp("demo-landing")
    generate_helpline_landing(landing, seed=DEMO_SEED)
    generate_survey_landing(landing)
    generate_demo_dsa(landing, seed=DEMO_SEED)
    settings = make_settings(landing, tmp_path_factory.mktemp("demo-warehouse"))
    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason  # the gate ran the audit: an exposing candidate is not published
    return PipelineRun(settings, outcome)


def test_the_demo_publication_passes_the_audit(demo_run: PipelineRun) -> None:
    result = audit_publication(demo_run.settings.published_db, demo_run.settings.suppression_k)
    assert result.audited > 20_000, "the demo holds tens of thousands of suppressed or derived counts"
    assert result.passed, result.lines()[:5]


def test_every_all_row_matches_pandas_on_the_demo(demo_run: PipelineRun) -> None:
    _check_all_rows(demo_run.settings)


def test_every_monthly_total_per_source_is_published_on_the_demo(demo_run: PipelineRun) -> None:
    cells = published(demo_run.settings.published_db, "platform_monthly")
    totals = cells[(cells.platform == "all") & (cells.incident_type == "all") & (cells.source != "unknown")]
    assert len(totals) == 3 * 25 and totals["cases"].notna().all()
    assert totals[totals.source == "all"]["takedown_requests"].notna().all()


@pytest.fixture(scope="module")
def demo_truth(demo_run: PipelineRun) -> dict[str, pd.DataFrame]:
    return intermediate(demo_run.settings.warehouse_db)


@pytest.mark.parametrize("index", range(guide.EXAMPLES))
def test_every_guide_example_answers_on_the_demo(demo_run: PipelineRun, index: int) -> None:
    assert len(guide._run(demo_run, index)) >= 2


@pytest.mark.parametrize(
    "check",
    [
        guide.test_cases_per_month_per_source_are_the_distinct_cases,
        guide.test_platform_share_is_over_the_distinct_cases,
        guide.test_ai_share_of_deepnude_cases,
        guide.test_cases_by_age_band_add_up_to_the_quarter,
    ],
    ids=lambda f: f.__name__.removeprefix("test_"),
)
def test_the_guide_answers_are_the_truth_on_the_demo(demo_run: PipelineRun, demo_truth, check) -> None:
    check(demo_run, demo_truth)


def test_the_demo_landing_is_what_ncii_demo_writes() -> None:
    """The fixture must stay the demo: the seed is `ncii demo`'s default."""
    from orchestration.cli import build_parser

    assert build_parser().parse_args(["demo"]).seed == DEMO_SEED
