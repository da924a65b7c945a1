"""The report's promises on a small hand-written publication, where each case is known: totals from
the `all` rows, a suppressed value as a marked gap (never zero), a share only when both of its
numbers are published, partial periods shaded, fixed platform colours, downloads, print and 800 px."""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration import vocabularies
from orchestration.reporting.charts import SPARE_COLOURS
from orchestration.reporting.report import build_report
from orchestration.settings import Settings

MONTHS = [date(2025, m, 1) for m in range(1, 13)] + [date(2026, 1, 1), date(2026, 2, 1)]
PLATFORM_COLOURS = vocabularies.platform_colours()  # seeds/platforms.csv: the platforms in order, with colours
PLATFORMS = list(PLATFORM_COLOURS)


def _publication(warehouse: Path) -> None:
    """Two platforms with cases, `all` rows that are not the sum of the platforms (cases naming both),
    and planted gaps: a suppressed platform cell, a suppressed AI count beside a published case count,
    a rate over too few requests. The monitoring says January 2026 is the latest complete month."""
    rows = []
    for i, month in enumerate(MONTHS):
        for source in ("childfocus", "igvm", "all"):
            scale = {"childfocus": 1, "igvm": 2, "all": 3}[source]
            snap, insta = 20 * scale + i, 10 * scale + i
            both = 5 * scale  # cases naming both platforms: the `all` row counts them once
            for platform, cases in (("snapchat", snap), ("instagram", insta), ("all", snap + insta - both)):
                for incident in ("deepnude", "all"):
                    rows.append(
                        [month, source, platform, incident, cases, cases // 3, 2 * cases, cases, 0.5, 30.0 + i, False]
                    )
    rows += [[month, "all", "bluesky", "all", 7, 1, 0, 0, None, None, False] for month in MONTHS[-3:]]  # added later
    frame = pd.DataFrame(
        rows,
        columns=[
            "month",
            "source",
            "platform",
            "incident_type",
            "cases",
            "ai_generated_cases",
            "takedown_requests",
            "takedowns_removed",
            "removal_rate",
            "median_hours_to_removal",
            "suppressed",
        ],
    )
    key = ["month", "source", "platform", "incident_type"]
    cell = frame.set_index(key).sort_index()
    cell.loc[(date(2025, 3, 1), "all", "instagram", "all"), ["cases", "ai_generated_cases", "suppressed"]] = [
        None,
        None,
        True,
    ]
    cell.loc[(date(2025, 5, 1), "all", "all", "all"), ["ai_generated_cases", "suppressed"]] = [None, True]
    minors = (date(2025, 3, 1), "childfocus", "instagram", "deepnude")
    cell.loc[minors, ["cases", "ai_generated_cases", "suppressed"]] = [None, None, True]
    cell.loc[(date(2025, 6, 1), "all", "snapchat", "all"), ["removal_rate", "median_hours_to_removal"]] = [None, None]
    cell.loc[(date(2025, 6, 1), "all", "snapchat", "all"), "takedown_requests"] = 3 * 2 + 6  # published, rate not
    # shares removed within 24 h / 48 h on the rows of source and incident `all`; one protected while its rate shows
    both_all = (cell.index.get_level_values("source") == "all") & (
        cell.index.get_level_values("incident_type") == "all"
    )
    cell["removed_within_24h_rate"] = pd.Series(0.2, index=cell.index).where(both_all & cell["removal_rate"].notna())
    cell["removed_within_48h_rate"] = pd.Series(0.4, index=cell.index).where(both_all & cell["removal_rate"].notna())
    cell.loc[(date(2025, 7, 1), "all", "snapchat", "all"), "removed_within_48h_rate"] = None
    frame = cell.reset_index()
    frame["cases"] = frame["cases"].astype("Int64")
    frame["ai_generated_cases"] = frame["ai_generated_cases"].astype("Int64")
    conn = duckdb.connect(str(warehouse / "published.duckdb"))
    conn.register("frame", frame)
    conn.execute(
        "CREATE TABLE platform_monthly AS SELECT month::DATE AS month, source, platform, incident_type, "
        "cases::BIGINT AS cases, ai_generated_cases::BIGINT AS ai_generated_cases, takedown_requests::BIGINT "
        "AS takedown_requests, takedowns_removed::BIGINT AS takedowns_removed, removal_rate, "
        "removed_within_24h_rate, removed_within_48h_rate, median_hours_to_removal, suppressed::BOOLEAN AS suppressed "
        "FROM frame"
    )
    conn.execute(
        "CREATE TABLE victim_demographics_quarterly (quarter DATE, source VARCHAR, incident_type VARCHAR, "
        "victim_gender VARCHAR, victim_age_band VARCHAR, cases BIGINT, share_pct DOUBLE, suppressed BOOLEAN)"
    )
    conn.execute("""INSERT INTO victim_demographics_quarterly VALUES
        ('2025-10-01', 'childfocus', 'all', 'female', '15_17', 40, 80, false),
        ('2025-10-01', 'childfocus', 'all', 'male', '15_17', NULL, NULL, true),
        ('2025-10-01', 'childfocus', 'all', 'all', '15_17', 50, 100, false),
        ('2026-01-01', 'childfocus', 'all', 'female', '15_17', 42, 84, false)""")
    conn.execute(
        "CREATE TABLE survey_prevalence (wave VARCHAR, indicator VARCHAR, breakdown VARCHAR, "
        "group_value VARCHAR, base VARCHAR, n_base BIGINT, weighted_pct DOUBLE, ci_low_pct DOUBLE, "
        "ci_high_pct DOUBLE, low_reliability BOOLEAN, suppressed BOOLEAN)"
    )
    conn.execute("""INSERT INTO survey_prevalence VALUES
        ('2025', 'came_across_via_snapchat', 'age_band', '15_17', 'heard', 300, 40.0, 35, 45, false, false),
        ('2025', 'came_across_via_instagram', 'age_band', '15_17', 'heard', 300, 20.0, 16, 24, false, false),
        ('2025', 'came_across_via_snapchat', 'age_band', '18_21', 'heard', 300, 10.0, 7, 13, false, false)""")
    _platform_statements(conn)
    conn.execute(
        "CREATE TABLE monitoring_checks (run_id VARCHAR, checked_at TIMESTAMPTZ, source VARCHAR, "
        "check_name VARCHAR, subject VARCHAR, period DATE, baseline_months INTEGER, statistic DOUBLE, "
        "threshold DOUBLE, status VARCHAR, detail VARCHAR)"
    )
    conn.execute(
        "INSERT INTO monitoring_checks VALUES ('r1', now(), 'childfocus', 'volume', 'cases', '2026-01-01', "
        "6, 0.1, 3, 'ok', '40 in the period')"
    )
    conn.close()


def _platform_statements(conn: duckdb.DuckDBPyConnection) -> None:
    """The dsa marts for June and July 2025: Instagram filed nothing for Belgium in July, and the helplines' July
    requests to Instagram are suppressed."""
    conn.execute(
        "CREATE TABLE platform_statements_monthly (month DATE, platform VARCHAR, harm_group VARCHAR, "
        "source_type VARCHAR, statements BIGINT, automated_detections BIGINT, fully_automated_decisions "
        "BIGINT, content_removed BIGINT, median_days_to_decision DOUBLE, median_days_to_database DOUBLE)"
    )
    conn.execute("""INSERT INTO platform_statements_monthly VALUES
        ('2025-06-01', 'snapchat', 'all', 'all', 200, 50, 40, 120, 1.0, 2.0),
        ('2025-06-01', 'snapchat', 'all', 'trusted_flagger', 20, 5, 4, 15, 1.0, 2.0),
        ('2025-06-01', 'snapchat', 'csam', 'all', 30, 20, 10, 30, 0.5, 1.5),
        ('2025-06-01', 'snapchat', 'intimate_image_abuse', 'all', 10, 2, 1, 8, 2.0, 2.5),
        ('2025-06-01', 'instagram', 'all', 'all', 100, 80, 60, 70, 1.0, 3.0),
        ('2025-06-01', 'instagram', 'all', 'trusted_flagger', 5, 1, 1, 5, 1.0, 3.0),
        ('2025-06-01', 'instagram', 'intimate_image_abuse', 'all', 8, 4, 2, 8, 1.0, 3.0),
        ('2025-07-01', 'snapchat', 'all', 'all', 150, 30, 20, 90, 1.0, 2.0),
        ('2025-07-01', 'snapchat', 'all', 'trusted_flagger', 15, 3, 2, 10, 1.0, 2.0),
        ('2025-07-01', 'snapchat', 'csam', 'all', 12, 6, 3, 12, 0.5, 1.5)""")
    conn.execute(
        "CREATE TABLE platform_responsiveness (month DATE, platform VARCHAR, takedown_requests BIGINT, "
        "removal_rate DOUBLE, median_hours_to_removal DOUBLE, tf_statements BIGINT, tf_automated_share_pct "
        "DOUBLE, median_days_to_database DOUBLE, statements_per_request DOUBLE, suppressed BOOLEAN)"
    )
    conn.execute("""INSERT INTO platform_responsiveness VALUES
        ('2025-05-01', 'snapchat', 40, 0.5, 30.0, NULL, NULL, NULL, NULL, false),
        ('2025-06-01', 'snapchat', 40, 0.5, 30.0, 25, 40.0, 1.5, 0.625, false),
        ('2025-06-01', 'instagram', 20, 0.8, 20.0, 3, 33.3, 2.5, 0.15, false),
        ('2025-07-01', 'snapchat', 12, 0.5, 30.0, 9, 33.3, 1.5, 0.75, false),
        ('2025-07-01', 'instagram', NULL, NULL, NULL, 0, NULL, NULL, NULL, true)""")


def total_cases(month_index: int) -> int:
    """The fixture's `all` row of both helplines: snapchat + instagram less the cases naming both."""
    return (3 * 20 + month_index) + (3 * 10 + month_index) - 3 * 5


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    warehouse = tmp_path_factory.mktemp("hand_publication")
    _publication(warehouse)
    return build_report(Settings.from_env({"NCII_WAREHOUSE_DIR": str(warehouse)})).read_text()


def specs(page: str) -> dict[str, dict]:
    """Each chart's Vega-Lite specification, by figure id, as embedded in the page."""
    found = re.findall(
        r'<figure class="chart" id="([^"]+)"><div class="vega" data-spec="(spec-\d+)"></div>'
        r'<script type="application/json" id="\2">(.*?)</script>',
        page,
        re.S,
    )
    return {key: json.loads(text.replace("<\\/", "</")) for key, _, text in found}


def rows(spec: dict) -> list[dict]:
    return [row for values in spec.get("datasets", {}).values() for row in values if "state" in row]


def find(spec: dict, **match) -> dict:
    hits = [r for r in rows(spec) if all(r.get(k) == v for k, v in match.items())]
    assert len(hits) == 1, (match, hits)
    return hits[0]


def test_totals_come_from_the_all_rows_never_from_adding_platforms(page: str) -> None:
    charts = specs(page)
    january = find(charts["cases-by-source"], month="2025-01-01", source="all")
    assert january["value"] == 3 * 20 + 3 * 10 - 3 * 5 == 75  # the `all` row, not 60 + 30 = 90
    headline = re.search(r"Cases, both helplines</div><div class=\"figure\">([\d,]+)</div>", page).group(1)
    assert headline == str(total_cases(12)) == "99"  # January 2026 (month 12), from the `all` row


def test_a_suppressed_value_is_a_marked_gap_never_zero(page: str) -> None:
    charts = specs(page)
    gap = find(charts["cases-by-platform"], month="2025-03-01", platform="instagram")
    assert gap["value"] is None and gap["state"] == "suppressed" and "suppressed" in gap["note"]
    for spec in charts.values():
        for row in rows(spec):
            if row["state"] != "published":
                assert row["value"] is None, row
    # the gap is drawn as a marker at the top of its panel (pixel y = 4), and the line is filtered to published rows
    text = json.dumps(charts["cases-by-platform"])
    assert '"shape": "triangle-down"' in text and '"y": {"value": 4}' in text
    assert '"filter": "datum.state == \'published\'"' in text
    victims = find(charts["victims"], victim_gender="male", quarter="2025-10-01")
    assert victims["value"] is None and victims["state"] == "suppressed"
    assert "never drawn as zero" in page


def test_a_share_needs_both_numbers_published(page: str) -> None:
    ai = specs(page)["ai-share-by-platform"]
    may = find(ai, month="2025-05-01", platform="all")
    assert may["value"] is None and may["state"] == "needs both"  # cases published, AI count suppressed
    march = find(ai, month="2025-03-01", platform="instagram")
    assert march["value"] is None  # the base is suppressed
    april = find(ai, month="2025-04-01", platform="all")
    assert april["value"] == pytest.approx(100 * (total_cases(3) // 3) / total_cases(3))
    rate = find(specs(page)["takedown-removal_pct-by-platform"], month="2025-06-01", platform="snapchat")
    assert rate["value"] is None and rate["state"] == "base under k"


def test_takedowns_show_the_shares_removed_within_24_and_48_hours(page: str) -> None:
    charts = specs(page)
    trends = charts["takedown-trends"]
    assert find(trends, month="2025-04-01", measure="within_24h_pct")["value"] == pytest.approx(20.0)
    assert find(trends, month="2025-04-01", measure="within_48h_pct")["value"] == pytest.approx(40.0)
    per_platform = charts["takedown-within_48h_pct-by-platform"]
    assert find(per_platform, month="2025-08-01", platform="snapchat")["value"] == pytest.approx(40.0)
    protected = find(per_platform, month="2025-07-01", platform="snapchat")  # the rate shows, the share cannot
    assert protected["value"] is None and protected["state"] == "suppressed"
    base = find(per_platform, month="2025-06-01", platform="snapchat")
    assert base["value"] is None and base["state"] == "base under k"
    assert "Not in the publication yet" not in page


def test_partial_periods_are_shaded_and_labelled(page: str) -> None:
    spec = specs(page)["cases-by-source"]
    partial = [row for name, values in spec["datasets"].items() if name.endswith("partial") for row in values]
    assert partial == [
        {"start": "2026-02-01", "end": "2026-03-01", "label": "Feb 2026: partial month (export mid-month)"}
    ]
    assert "Shaded: partial month." in page
    assert "Headline figures, January 2026" in page  # the latest complete month, not the partial one


def test_one_fixed_colour_per_platform_and_years_on_time_axes(page: str) -> None:
    assert len(set(PLATFORM_COLOURS.values())) == len(PLATFORM_COLOURS) == 13
    for key in ("cases-by-platform", "ai-share-by-platform", "takedown-removal_pct-by-platform"):
        spec = specs(page)[key]
        for panel in spec["concat"]:
            if panel["title"] in PLATFORM_COLOURS:
                colours = {layer["mark"]["color"] for layer in panel["layer"] if layer["mark"]["type"] == "line"}
                assert colours == {PLATFORM_COLOURS[panel["title"]]}
            axis = panel["layer"][-1]["encoding"]["x"]["axis"]
            assert "%Y" in axis["format"]
    panels = specs(page)["cases-by-platform"]["concat"]
    assert [p["title"] for p in panels] == [*PLATFORM_COLOURS, "bluesky"]  # a platform the taxonomy added later
    assert {layer["mark"]["color"] for layer in panels[-1]["layer"] if layer["mark"]["type"] == "line"} == {
        SPARE_COLOURS[0]
    }


def test_each_chart_offers_its_data_and_the_page_needs_no_network(page: str) -> None:
    links = re.findall(r'download="([^"]+)\.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', page)
    assert {key for key, _ in links} == {*specs(page), "platform-responsiveness"}  # each chart, and the scorecard
    assert len(specs(page)) == 12  # no survey chart: none of its indicators here
    csv = dict(links)["cases-by-platform"]
    frame = pd.read_csv(pd.io.common.StringIO(base64.b64decode(csv).decode()))
    gap = frame[(frame["month"] == "2025-03-01") & (frame["platform"] == "instagram")].iloc[0]
    assert pd.isna(gap["value"]) and gap["state"] == "suppressed"  # an empty cell, never 0
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=\"?http", page)
    assert "vegaEmbed" in page  # vega-embed is inlined


def test_printable_and_fits_an_800_px_window(page: str) -> None:
    assert "@media print" in page and "break-inside:avoid" in page
    assert ".vega svg{max-width:100%;height:auto}" in page
    assert "name='viewport'" in page


def test_survey_against_reports_compares_minors_with_minors_and_shows_the_ratio(page: str) -> None:
    """Child Focus deepnude cases per platform (a share of the `all` row) against 15-17s' exposure; a month whose
    platform count is suppressed is left out of both the count and the total."""
    data = {row["platform"]: row for row in specs(page)["survey-vs-reports"]["datasets"]["exposure"]}
    snapchat = sum(20 + i for i in range(12)) / sum(25 + 2 * i for i in range(12)) * 100  # childfocus: 30 + 2i - 5
    instagram = sum(10 + i for i in range(12) if i != 2) / sum(25 + 2 * i for i in range(12) if i != 2) * 100
    assert data["snapchat"]["case_share_pct"] == pytest.approx(snapchat)
    assert data["snapchat"]["months_used"] == "12 of 12"
    assert data["instagram"]["case_share_pct"] == pytest.approx(instagram)
    assert data["instagram"]["months_used"] == "11 of 12" and data["instagram"]["deepnude_cases"] == 174
    assert data["snapchat"]["ratio"] == pytest.approx(snapchat / 40.0)
    assert data["instagram"]["ratio"] == pytest.approx(instagram / 20.0)
    assert "ratio cases / exposure" in page and "15-17s" in page


def test_platform_statements_per_harm_group_come_from_the_mart(page: str) -> None:
    spec = specs(page)["dsa-statements-by-harm-group"]
    assert [panel["title"] for panel in spec["concat"]] == ["csam", "intimate_image_abuse"]  # never harm_group all
    assert find(spec, month="2025-06-01", platform="snapchat", harm_group="csam")["value"] == 30
    assert find(spec, month="2025-07-01", platform="snapchat", harm_group="csam")["value"] == 12
    assert {row["source_type"] for row in rows(spec)} == {"all"}  # every statement, not one source type
    colour = spec["concat"][0]["encoding"]["color"]["scale"]
    assert dict(zip(colour["domain"], colour["range"])) == PLATFORM_COLOURS


def test_platform_shares_are_read_within_a_month_and_a_missing_month_is_a_gap(page: str) -> None:
    flagged = specs(page)["dsa-trusted-flagger-share"]
    assert find(flagged, month="2025-06-01", platform="snapchat")["value"] == pytest.approx(100 * 20 / 200)
    assert find(flagged, month="2025-06-01", platform="instagram")["value"] == pytest.approx(100 * 5 / 100)
    automated = specs(page)["dsa-automated-share"]
    assert find(automated, month="2025-07-01", platform="snapchat")["value"] == pytest.approx(100 * 30 / 150)
    july = find(automated, month="2025-07-01", platform="instagram")
    assert july["value"] is None and july["state"] == "none that month"  # no statement filed: a gap, never 0 %


def test_the_scorecard_sets_helpline_requests_beside_platform_statements(page: str) -> None:
    section = page[page.index("id='scorecard'") :]
    table = section[: section.index("</table>")]
    cells = {
        re.search(r"<td>(\w+)</td>", row).group(1): re.findall(r"<td[^>]*>(.*?)</td>", row)
        for row in table.split("<tr>")[2:]
    }
    assert "Scorecard, July 2025" in section  # the latest month with platform statements
    assert cells["snapchat"] == ["snapchat", "12", "50.0", "30.0", "9", "33.3", "1.5", "0.75"]
    assert cells["instagram"][:2] == ["instagram", "suppressed (&lt; 5)"]  # a suppressed helpline count, never 0
    assert cells["instagram"][4] == "0"  # the platform's own count is public
