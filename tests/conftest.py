"""Shared fixtures: one generated landing folder and one pipeline run for the end-to-end tests."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from orchestration.settings import Settings

# Big enough for the acceptance check against pandas (at least 20,000 cases), small enough for CI.
E2E_MONTHS = 25
E2E_CASES_PER_MONTH = 820
E2E_END_MONTH = date(2026, 10, 1)
TEST_KEY = "test-pseudonym-key-not-a-secret"


FIXTURE_LANDING = Path(__file__).parent / "fixtures" / "landing"


def fixture_landing(target: Path, names: list[str]) -> Path:
    """A landing folder holding some of the hand-written fixture exports."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURE_LANDING / name, target / name)
    return target


def make_settings(landing: Path, warehouse: Path, k: int = 5, **extra: str) -> Settings:
    env = {
        "NCII_LANDING_DIR": str(landing),
        "NCII_WAREHOUSE_DIR": str(warehouse),
        "NCII_PSEUDONYM_KEY": TEST_KEY,
        "NCII_SUPPRESSION_K": str(k),
        **extra,
    }
    return Settings.from_env(env)


@dataclass(frozen=True)
class PipelineRun:
    settings: Settings
    outcome: object


@pytest.fixture(scope="session")
def generated_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from orchestration.sample_data.helpline import generate_helpline_landing
    from orchestration.sample_data.survey import generate_survey_landing

    landing = tmp_path_factory.mktemp("landing")
    generate_helpline_landing(
        landing, seed=11, end_month=E2E_END_MONTH, months=E2E_MONTHS, cases_per_month=E2E_CASES_PER_MONTH
    )
    generate_survey_landing(landing)
    return landing


@pytest.fixture(scope="session")
def pipeline_run(generated_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The whole pipeline once, through Dagster, on the generated landing folder."""
    from orchestration.runner import run_main_job

    settings = make_settings(generated_landing, tmp_path_factory.mktemp("warehouse"))
    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason
    return PipelineRun(settings, outcome)
