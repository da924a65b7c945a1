"""The report as a person sees it: rendered by headless Chromium from disk at 1400 and 800 px, every
chart drawn, no console error, tooltips that give the value and its state, and the data the charts
actually drew checked against the publication (no suppressed value drawn, least of all as zero)."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.chromium import Browser, chromium_path
from tests.conftest import PipelineRun

FIGURES = [
    "cases-by-source",
    "cases-by-platform",
    "ai-share-by-platform",
    "takedown-trends",
    "takedown-removal_pct-by-platform",
    "takedown-within_48h_pct-by-platform",
    "takedown-median_hours_to_removal-by-platform",
    "victims",
    "survey",
    "survey-vs-reports",
    "dsa-statements-by-harm-group",
    "dsa-trusted-flagger-share",
    "dsa-automated-share",
]

# Every scenegraph item that carries a report row, with the mark that drew it (walks nested groups).
DRAWN = """Promise.all(window.nciiCharts).then(charts => charts.map(chart => {
  const items = [];
  const walk = scene => (scene.items || []).forEach(item => {
    if (scene.marktype === 'group') { (item.items || []).forEach(walk); return; }
    if (!item.datum || item.datum.state === undefined) return;
    const row = {};
    for (const [key, value] of Object.entries(item.datum)) {  // Vega parses dates to Date or epoch milliseconds
      const date = value instanceof Date || (typeof value === 'number' && (key === 'month' || key === 'quarter'));
      row[key] = date ? new Date(value).toISOString() : value;
    }
    items.push({mark: scene.marktype, shape: item.shape || null, row: row});
  });
  walk(chart.view.scenegraph().root);
  return {id: chart.id, items: items};
}))"""

# Move the mouse over the first symbol drawn for a row in the given state; return the tooltip's text.
HOVER_TARGET = """(state => {
  const el = [...document.querySelectorAll('.mark-symbol path')]
    .find(e => e.__data__ && e.__data__.datum && e.__data__.datum.state === state);
  el.scrollIntoView({block: 'center'});
  const box = el.getBoundingClientRect();
  return {x: box.x + box.width / 2, y: box.y + box.height / 2};
})"""


@pytest.fixture(scope="session")  # session scope: resolved (and skipped) before the session's pipeline run
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed: `make chromium` installs Debian's package (needs root and apt-get)")
    return path


@pytest.fixture(scope="module")
def rendered(chromium: str, pipeline_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The report opened at 1400 and at 800 px: screenshots, page width, what each chart drew, tooltips."""
    folder = tmp_path_factory.mktemp("report_browser")
    page = (pipeline_run.settings.reports_dir / "report.html").as_uri()
    browser = Browser(chromium, folder / "profile")
    seen: dict = {"folder": folder}
    try:
        for width in (1400, 800):
            browser.open(page, width)
            seen[width] = {
                "charts": browser.evaluate(DRAWN),
                "page_width": browser.evaluate("document.documentElement.scrollWidth"),
                "screenshot": browser.screenshot(folder / f"report-{width}px.png"),
            }
        seen["pdf"] = browser.pdf(folder / "report.pdf")
        seen["tooltips"] = {}
        for state in ("published", "suppressed"):
            point = browser.evaluate(f"{HOVER_TARGET}('{state}')")
            browser.hover(point["x"], point["y"])
            seen["tooltips"][state] = browser.evaluate(
                "new Promise(done => setTimeout(() => { const t = document.getElementById('vg-tooltip-element');"
                " done(t && t.classList.contains('visible') ? t.innerText : null); }, 300))"
            )
        seen["errors"] = browser.console_errors()
    finally:
        browser.close()
    return seen


def test_every_chart_is_drawn_at_1400_and_800_px_with_no_console_error(rendered: dict) -> None:
    assert rendered["errors"] == []
    for width in (1400, 800):
        charts = rendered[width]["charts"]
        assert [c["id"] for c in charts] == FIGURES
        for chart in charts:
            assert len(chart["items"]) >= 15, chart["id"]  # drew marks, not just axes
        shot = rendered[width]["screenshot"]
        assert shot.parent == rendered["folder"] and shot.stat().st_size > 100_000  # a blank page is a few KB
        assert rendered[width]["page_width"] <= width  # nothing cut off or scrolling sideways


def test_the_report_prints(rendered: dict) -> None:
    pdf = rendered["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1
    assert len(pdf) > 100_000  # the charts are in it, not just the text


def test_tooltips_give_the_exact_value_and_its_state(rendered: dict) -> None:
    published, suppressed = rendered["tooltips"]["published"], rendered["tooltips"]["suppressed"]
    assert published and "state" in published and "published" in published
    assert suppressed and "suppressed" in suppressed and "null" not in suppressed  # no value line for a gap


def _published(pipeline_run: PipelineRun) -> dict[str, pd.DataFrame]:
    conn = duckdb.connect(str(pipeline_run.settings.published_db), read_only=True)
    try:
        return {
            mart: conn.execute(f"SELECT * FROM {mart}").df()
            for mart in (
                "platform_monthly",
                "victim_demographics_quarterly",
                "survey_prevalence",
                "platform_statements_monthly",
            )
        }
    finally:
        conn.close()


def _expected(row: dict, marts: dict[str, pd.DataFrame]) -> float | None:
    """The value the publication holds for a drawn row, worked out here independently of the report."""
    if row["mart"] == "platform_monthly":
        frame = marts["platform_monthly"]
        hit = frame[
            (frame["month"].astype(str) == row["month"][:10])
            & (frame["source"] == row["source"])
            & (frame["platform"] == row["platform"])
            & (frame["incident_type"] == row["incident_type"])
        ]
        if hit.empty:  # no row: nothing happened that month
            return 0.0 if row["measure"] in ("cases", "takedown_requests") else None
        cell = hit.iloc[0]
        if row["measure"] == "ai_share_pct":
            if pd.isna(cell["cases"]) or pd.isna(cell["ai_generated_cases"]) or cell["cases"] == 0:
                return None
            return 100 * cell["ai_generated_cases"] / cell["cases"]
        rates = {
            "removal_pct": "removal_rate",
            "within_24h_pct": "removed_within_24h_rate",
            "within_48h_pct": "removed_within_48h_rate",
        }
        if row["measure"] in rates:
            rate = cell[rates[row["measure"]]]
            return None if pd.isna(rate) else 100 * rate
        value = cell[row["measure"]]
        return None if pd.isna(value) else float(value)
    if row["mart"] == "platform_statements_monthly":
        frame = marts["platform_statements_monthly"]
        month = frame[(frame["month"].astype(str) == row["month"][:10]) & (frame["platform"] == row["platform"])]
        if row["measure"] == "statements":
            hit = month[(month["harm_group"] == row["harm_group"]) & (month["source_type"] == row["source_type"])]
            return float(hit.iloc[0]["statements"])
        every = month[month["harm_group"] == "all"].set_index("source_type")
        if "all" not in every.index:
            return None  # no statement that month
        part = (
            every["statements"].get("trusted_flagger", 0)
            if row["measure"] == "trusted_flagger_pct"
            else every.loc["all", "automated_detections"]
        )
        return 100 * float(part) / float(every.loc["all", "statements"])
    if row["mart"] == "victim_demographics_quarterly":
        frame = marts["victim_demographics_quarterly"]
        hit = frame[
            (frame["quarter"].astype(str) == row["quarter"][:10])
            & (frame["source"] == row["source"])
            & (frame["incident_type"] == row["incident_type"])
            & (frame["victim_gender"] == row["victim_gender"])
            & (frame["victim_age_band"] == row["victim_age_band"])
        ]
        value = hit.iloc[0]["cases"]
    else:
        frame = marts["survey_prevalence"]
        hit = frame[
            (frame["wave"] == row["wave"])
            & (frame["indicator"] == row["indicator"])
            & (frame["breakdown"] == row["breakdown"])
            & (frame["group_value"] == row["group_value"])
        ]
        value = hit.iloc[0]["weighted_pct"]
    return None if pd.isna(value) else float(value)


def test_the_drawn_data_is_the_publication_and_no_suppressed_value_is_drawn(
    rendered: dict, pipeline_run: PipelineRun
) -> None:
    marts = _published(pipeline_run)
    checked = {"published": 0, "gap": 0, "suppressed": 0}
    for chart in rendered[1400]["charts"]:
        for item in chart["items"]:
            row = item["row"]
            if row["state"] != "published":
                # a gap: drawn only as a marker symbol, with no value at all (so never as zero)
                assert item["mark"] == "symbol" and item["shape"].startswith("triangle"), (chart["id"], item)
                assert row["value"] is None, (chart["id"], row)
            if "mart" not in row:
                continue  # the survey-vs-reports comparison: derived, checked in test_report_contents
            expected = _expected(row, marts)
            if expected is None:
                assert row["state"] != "published" and row["value"] is None, (chart["id"], row)
                checked["gap"] += 1
                checked["suppressed"] += row["state"] == "suppressed"
            else:
                assert row["state"] == "published" and math.isclose(row["value"], expected, rel_tol=1e-9), (
                    chart["id"],
                    row,
                    expected,
                )
                checked["published"] += 1
    # the rules fired on this publication: gaps of both kinds were drawn, not just published values
    assert checked["published"] > 1000 and checked["suppressed"] > 10 and checked["gap"] > checked["suppressed"]


def test_totals_are_the_all_rows(rendered: dict, pipeline_run: PipelineRun) -> None:
    """The per-source totals drawn are the publication's `all` rows, which count a case naming two platforms once:
    below the sum of the platforms' cells whenever cases name several."""
    marts = _published(pipeline_run)
    frame = marts["platform_monthly"]
    chart = next(c for c in rendered[1400]["charts"] if c["id"] == "cases-by-source")
    drawn = [i["row"] for i in chart["items"] if i["mark"] == "symbol" and i["row"]["state"] == "published"]
    assert {(r["platform"], r["incident_type"]) for r in drawn} == {("all", "all")}
    cells = frame[(frame["source"] == "all") & (frame["platform"] != "all") & (frame["incident_type"] == "all")]
    below = 0
    for row in (r for r in drawn if r["source"] == "all"):
        month_cells = cells[cells["month"].astype(str) == row["month"][:10]]["cases"]
        below += row["value"] < month_cells.sum()
    assert below > 0


def test_the_dbt_docs_open_on_the_project_overview(chromium: str, pipeline_run: PipelineRun, tmp_path: Path) -> None:
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.open((pipeline_run.settings.warehouse_dir / "docs" / "index.html").as_uri(), 1400)
        shown = browser.evaluate(
            "new Promise(done => { let waited = 0; const look = () => { const text = document.body.innerText;"
            " if (text.includes('Where to start') || waited > 30000) done({hash: location.hash, text: text});"
            " else { waited += 250; setTimeout(look, 250); } }; look(); })",
            timeout=60,
        )
    finally:
        browser.close()
    assert shown["hash"] == "#!/overview"
    assert "NCII warehouse: the published marts" in shown["text"] and "Where to start" in shown["text"]
