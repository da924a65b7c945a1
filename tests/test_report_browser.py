"""The report as a person sees it: rendered by headless Chromium from disk, no errors, charts drawn."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.chromium import FLAGS, ensure_chromium
from tests.conftest import PipelineRun


@pytest.fixture(scope="module")
def chromium() -> str:
    path = ensure_chromium()
    if path is None:
        pytest.skip("Chromium is not installed and cannot be installed here (needs root and Debian's registry)")
    return path


def render(chromium: str, page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=3000", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )


def test_report_renders_with_no_console_errors_and_every_chart_drawn(
    pipeline_run: PipelineRun, chromium: str, tmp_path: Path
) -> None:
    page = pipeline_run.settings.reports_dir / "report.html"
    result = render(chromium, page, tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    console_errors = [line for line in result.stderr.splitlines() if "CONSOLE" in line and ("ERROR" in line or "error" in line)]
    assert console_errors == []
    dom = result.stdout
    charts = re.findall(r'<figure class="chart">(.*?)</figure>', dom, re.S)
    assert len(charts) == 6
    for chart in charts:
        svg = re.search(r"<svg.*?</svg>", chart, re.S)
        assert svg and len(re.findall(r"<path|<rect|<line|<circle", svg.group(0))) > 20
    assert re.search(r'class="suppressed">suppressed \(&lt; \d+\)', dom)


def test_report_screenshot_is_not_blank(pipeline_run: PipelineRun, chromium: str, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    result = render(chromium, pipeline_run.settings.reports_dir / "report.html", tmp_path,
                    f"--screenshot={shot}", "--window-size=1280,2400")
    assert result.returncode == 0 and shot.exists()
    assert shot.stat().st_size > 50_000  # a blank page compresses to a few kilobytes
