"""dbt docs: generated with each publication, opening on the project's overview, linked from the README
and the report."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PipelineRun

README = Path(__file__).parents[1] / "README.md"


def test_the_docs_open_on_the_project_overview(pipeline_run: PipelineRun) -> None:
    page = (pipeline_run.settings.warehouse_dir / "docs" / "index.html").read_text()
    # dbt shows the root project's `__overview__` block on its start page instead of its own welcome text
    assert '"doc.ncii_warehouse.__overview__"' in page
    assert "Where to start" in page and "Totals are published, never added up" in page


def test_the_readme_and_the_report_link_the_docs(pipeline_run: PipelineRun) -> None:
    readme = README.read_text()
    assert "(data/warehouse/docs/index.html)" in readme and "(data/warehouse/reports/report.html)" in readme
    report = (pipeline_run.settings.reports_dir / "report.html").read_text()
    assert 'href="../docs/index.html"' in report
