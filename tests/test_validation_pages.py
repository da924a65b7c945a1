"""Validation pages: each check with its parameters (bounds, value sets) and what was observed, as
counts and percentages only; never a value from the rows (a raw batch holds landing values)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from orchestration.checks.gx_suites import validate_frame
from orchestration.checks.report import record_result
from orchestration.settings import Settings
from tests.conftest import PipelineRun

PERSONAL = "Jan Peeters 0474 12 34 56"


def test_a_raw_check_shows_its_parameters_and_counts_never_the_landing_value(tmp_path: Path) -> None:
    frame = pd.DataFrame({"kanaal": ["phone", "chat", PERSONAL, "email"], "leeftijd_slachtoffer": [14, 15, 16, 117]})
    result = validate_frame("raw_childfocus_cases", frame, k=5)
    settings = Settings.from_env({"NCII_WAREHOUSE_DIR": str(tmp_path)})
    page = record_result(settings, "run-1", result).read_text()
    history = (tmp_path / "reports" / "validation" / "history.jsonl").read_text()
    for text in (page, history):
        assert PERSONAL not in text and "0474" not in text and "117" not in text
    kanaal = re.search(r"<tr><td>expect_column_values_to_be_in_set\(kanaal\)</td>(.*?)</tr>", page).group(1)
    assert "<b>value_set</b>: {phone, chat, email, web_form}" in kanaal
    assert "4 rows checked; 1 failing (25.00%)" in kanaal and "FAILED" in kanaal
    age = re.search(r"<tr><td>expect_column_values_to_be_between\(leeftijd_slachtoffer\)</td>(.*?)</tr>", page).group(1)
    assert "<b>min_value</b>: 0" in age and "<b>max_value</b>: 99" in age and "1 failing (25.00%)" in age


def test_run_time_parameters_are_shown_resolved(tmp_path: Path) -> None:
    """The small counts 1..k-1 come from the settings at run time: the page shows the set that was used."""
    frame = pd.DataFrame(
        {
            "quarter": ["2025-01-01"] * 2,
            "source": ["igvm"] * 2,
            "incident_type": ["all"] * 2,
            "victim_gender": ["female", "male"],
            "victim_age_band": ["15_17"] * 2,
            "cases": [12, 3],
            "share_pct": [80.0, 20.0],
            "group_share_total": [100.0, 100.0],
        }
    )
    result = validate_frame("victim_demographics_quarterly", frame, k=7)
    page = record_result(Settings.from_env({"NCII_WAREHOUSE_DIR": str(tmp_path)}), "run-2", result).read_text()
    small = re.search(r"<tr><td>expect_column_values_to_not_be_in_set\(cases\)</td>(.*?)</tr>", page).group(1)
    assert "{1, 2, 3, 4, 5, 6}" in small and "1 failing" in small


def test_the_report_links_each_suite_to_its_checks(pipeline_run: PipelineRun) -> None:
    reports = pipeline_run.settings.reports_dir
    report = (reports / "report.html").read_text()
    links = re.findall(r"href='validation/(run-[^'#]+\.html)#([a-z_]+)'", report)
    # the raw suites run only when a run loads files (a rerun of the session's landing folder loads none)
    assert {suite for _, suite in links} >= {"platform_monthly", "survey_prevalence"}
    page = (reports / "validation" / links[0][0]).read_text()
    for _, suite in links:
        assert f"<h2 id='{suite}'>" in page
    assert "<b>min_value</b>: 0" in page and "rows checked" in page and "<th>observed</th>" in page
