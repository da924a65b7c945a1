"""The analysts' report: one self-contained HTML page built from the published marts only.

Charts are Vega-Lite specifications (Altair) rendered to inline SVG by vl-convert, so the page
opens from disk with no script, no server and no network. A suppressed cell is never drawn as
zero: charts use published values only and each says how many cells it leaves out, and the
tables beside them print "suppressed (< k)".
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd
import vl_convert

from orchestration.settings import Settings

MAIN_PLATFORMS = ["snapchat", "x", "instagram", "tiktok", "telegram", "whatsapp", "facebook", "discord"]
STYLE = """body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222;padding:0 1rem}
h2{margin-top:2.5rem;border-bottom:1px solid #ddd}.note{color:#555;font-size:.9rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem}
.suppressed{color:#9a6700;font-style:italic}figure{margin:1rem 0}"""


def _svg(chart: alt.TopLevelMixin) -> str:
    return vl_convert.vegalite_to_svg(chart.to_json())


def _figure(chart: alt.TopLevelMixin, caption: str) -> str:
    return f'<figure class="chart">{_svg(chart)}<figcaption class="note">{html.escape(caption)}</figcaption></figure>'


def _table(frame: pd.DataFrame, k: int) -> str:
    """A small table; NULL counts of suppressed rows read `suppressed (< k)`, never 0 or blank."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column, value in row.items():
            if pd.isna(value) and column in ("cases", "helpline_cases", "takedown_requests", "n_base"):
                cells.append(f'<td class="suppressed">suppressed (&lt; {k})</td>')
            elif isinstance(value, float):
                cells.append(f"<td>{'' if pd.isna(value) else f'{value:,.1f}'}</td>")
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _nothing_yet(title: str, mart: str) -> str:
    return f"<h2>{title}</h2><p class='note'>Nothing published in {mart} yet.</p>"


def _platform_section(conn: duckdb.DuckDBPyConnection) -> str:
    monthly = conn.execute(
        """SELECT month, platform, sum(cases) AS cases, sum(ai_generated_cases) AS ai_cases,
                  count(*) FILTER (WHERE cases IS NULL AND suppressed) AS suppressed_cells
           FROM platform_monthly WHERE source <> 'unknown' GROUP BY ALL ORDER BY month"""
    ).df()
    if monthly["cases"].notna().sum() == 0:
        return _nothing_yet("Cases by platform", "platform_monthly")
    monthly["ai_share_pct"] = 100 * monthly["ai_cases"] / monthly["cases"]
    left_out = int(monthly["suppressed_cells"].sum())
    first, last = monthly["month"].min(), monthly["month"].max()
    cases = alt.Chart(monthly).mark_line(point=True).encode(
        x=alt.X("month:T", title="month opened"), y=alt.Y("cases:Q", title="cases (published cells)"),
        color=alt.Color("platform:N"), tooltip=["month:T", "platform:N", "cases:Q"],
    ).properties(width=820, height=300, title="Helpline cases per platform per month")
    ai = alt.Chart(monthly[monthly["platform"].isin(MAIN_PLATFORMS)]).mark_line().encode(
        x=alt.X("month:T", title="month opened"), y=alt.Y("ai_share_pct:Q", title="% AI-generated"),
        color="platform:N",
    ).properties(width=820, height=220, title="Share of those cases with AI-generated images")
    period = f"{first:%Y-%m} to {last:%Y-%m}"
    return (
        "<h2>Cases by platform</h2>"
        + _figure(cases, f"Source: platform_monthly, Child Focus and IGVM, {period}. Base: cases opened, once per platform "
                  f"they mention. {left_out} small cells are suppressed and not drawn.")
        + _figure(ai, f"Source: platform_monthly, {period}. Base: published cases of the platform and month.")
    )


def _takedown_section(conn: duckdb.DuckDBPyConnection, k: int) -> str:
    yearly = conn.execute(
        """SELECT year, platform, takedown_requests, removal_rate, median_hours_to_removal
           FROM platform_exposure_vs_reports WHERE takedown_requests IS NOT NULL OR suppressed ORDER BY year, platform"""
    ).df()
    if yearly["removal_rate"].notna().sum() == 0:
        return _nothing_yet("Takedowns", "platform_exposure_vs_reports")
    latest = int(yearly["year"].max())
    frame = yearly[(yearly["year"] == latest) & yearly["removal_rate"].notna()].copy()
    frame["removal_pct"] = 100 * frame["removal_rate"]
    rate = alt.Chart(frame).mark_bar().encode(
        x=alt.X("removal_pct:Q", title="% of requests with a final outcome that were removed", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("platform:N", sort="-x"),
    ).properties(width=380, height=260, title=f"Removal rate, {latest}")
    hours = alt.Chart(frame[frame["median_hours_to_removal"].notna()]).mark_bar(color="#d08c3c").encode(
        x=alt.X("median_hours_to_removal:Q", title="median hours to removal"), y=alt.Y("platform:N", sort="-x"),
    ).properties(width=380, height=260, title=f"Median hours to removal, {latest}")
    return (
        "<h2>Takedowns</h2>"
        + _figure(alt.hconcat(rate, hours), f"Source: platform_exposure_vs_reports, {latest}. Base: takedown requests "
                  "submitted that year; rates and medians with fewer than k requests are not published.")
        + _table(yearly[yearly["year"] == latest].drop(columns="year"), k)
    )


def _demographics_section(conn: duckdb.DuckDBPyConnection, k: int) -> str:
    cells = conn.execute("SELECT * FROM victim_demographics_quarterly ORDER BY quarter, source").df()
    if cells.empty:
        return _nothing_yet("Whom it hits", "victim_demographics_quarterly")
    quarters = sorted(cells["quarter"].unique())[-4:]
    recent = cells[cells["quarter"].isin(quarters)]
    chart = alt.Chart(recent[recent["cases"].notna()]).mark_bar().encode(
        x=alt.X("victim_age_band:N", title="age band", sort=["under_12", "12_14", "15_17", "18_21", "22_25", "26_34", "35_plus", "unknown"]),
        y=alt.Y("sum(cases):Q", title="cases"), color="victim_gender:N",
        column=alt.Column("quarter:T", title=None, timeUnit="yearquarter"), row=alt.Row("source:N", title=None),
    ).properties(width=170, height=160, title="Victims by age band and gender")
    suppressed = recent[recent["suppressed"]][["quarter", "source", "incident_type", "victim_gender", "victim_age_band", "cases"]]
    return (
        "<h2>Whom it hits</h2>"
        + _figure(chart, f"Source: victim_demographics_quarterly, last {len(quarters)} quarters. Base: cases opened in the quarter. "
                  f"{len(suppressed)} cells are suppressed and not drawn (listed below).")
        + f"<details><summary>Suppressed cells ({len(suppressed)})</summary>{_table(suppressed.head(200), k)}</details>"
    )


def _survey_section(conn: duckdb.DuckDBPyConnection) -> str:
    frame = conn.execute(
        """SELECT wave, indicator, breakdown, group_value, n_base, weighted_pct, ci_low_pct, ci_high_pct, low_reliability
           FROM survey_prevalence
           WHERE breakdown IN ('gender', 'age_band') AND NOT suppressed
             AND indicator IN ('heard_of_deepnudes', 'received_deepnude', 'knows_deepnude_apps', 'tried_making_all')"""
    ).df()
    if frame.empty:
        return _nothing_yet("Youth survey", "survey_prevalence")
    points = alt.Chart(frame).mark_point(filled=True).encode(
        x=alt.X("weighted_pct:Q", title="weighted %"), y=alt.Y("group_value:N", title=None), color="wave:N",
    )
    bars = alt.Chart(frame).mark_rule().encode(x="ci_low_pct:Q", x2="ci_high_pct:Q", y="group_value:N", color="wave:N")
    chart = (bars + points).properties(width=300, height=120).facet(
        row=alt.Row("indicator:N", title=None), column=alt.Column("breakdown:N", title=None)
    ).resolve_scale(y="independent").properties(title="Youth survey: weighted % with 95% interval")
    return "<h2>Youth survey</h2>" + _figure(
        chart, "Source: survey_prevalence (University of Antwerp youth survey, 15-25). Bars: 95% Wilson interval on Kish's "
               "effective n. Bases under 30 are suppressed and not drawn; under 50 flagged low_reliability in the mart."
    )


def _exposure_section(conn: duckdb.DuckDBPyConnection) -> str:
    frame = conn.execute(
        """SELECT year, platform, exposure_pct, case_share_pct, survey_wave FROM platform_exposure_vs_reports
           WHERE year = (SELECT max(year) FROM platform_exposure_vs_reports) AND platform IN (SELECT unnest(?))""",
        [MAIN_PLATFORMS],
    ).df()
    if frame[["exposure_pct", "case_share_pct"]].notna().sum().sum() == 0:
        return _nothing_yet("Exposure against reports", "platform_exposure_vs_reports")
    long = frame.melt(id_vars=["platform", "year", "survey_wave"], value_vars=["exposure_pct", "case_share_pct"],
                      var_name="measure", value_name="pct").dropna(subset=["pct"])
    long["measure"] = long["measure"].map({"exposure_pct": "survey: came across deepnudes there",
                                           "case_share_pct": "helplines: share of cases"})
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("pct:Q", title="%"), y=alt.Y("platform:N", sort="-x"), color="measure:N", yOffset="measure:N",
    ).properties(width=700, height=320, title="What young people see against what the helplines receive")
    year = int(frame["year"].max())
    wave = frame["survey_wave"].dropna().max() if frame["survey_wave"].notna().any() else "none"
    return "<h2>Exposure against reports</h2>" + _figure(
        chart, f"Source: platform_exposure_vs_reports, {year}; survey wave {wave}. Survey base: youths who heard of deepnudes. "
               "Helpline base: cases opened that year (a case can name several platforms)."
    )


def _drift_section(conn: duckdb.DuckDBPyConnection) -> str:
    """The latest run's drift checks: what moved, in which source and month, and the open alerts."""
    tables = {row[0] for row in conn.execute("SHOW TABLES").fetchall()}
    if "monitoring_checks" not in tables:
        return "<h2>Drift checks</h2><p class='note'>No drift checks published yet.</p>"
    latest = conn.execute(
        """SELECT source, check_name AS "check", subject, strftime(period, '%Y-%m') AS period, status, detail
           FROM monitoring_checks WHERE run_id = (SELECT arg_max(run_id, checked_at) FROM monitoring_checks)
           ORDER BY CASE status WHEN 'error' THEN 0 WHEN 'warn' THEN 1 WHEN 'skipped' THEN 2 ELSE 3 END, source, "check", subject"""
    ).df()
    if latest.empty:
        return "<h2>Drift checks</h2><p class='note'>No drift checks published yet.</p>"
    flagged = latest[latest["status"].isin(["warn", "error"])]
    counts = latest["status"].value_counts().to_dict()
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warn", "ok", "skipped"))
    body = (f"<p class='note'>Latest run: {len(latest)} results ({summary}). Each source's latest complete month "
            "against its trailing baseline; full history in the published table monitoring_checks, alerts in alerts.</p>")
    if not flagged.empty:
        body += _table(flagged, 0)
    else:
        body += "<p>Nothing drifted in the latest month.</p>"
    return "<h2>Drift checks (latest run)</h2>" + body


def _quality_section(settings: Settings) -> str:
    history = settings.reports_dir / "validation" / "history.jsonl"
    if not history.exists():
        return "<h2>Data quality</h2><p class='note'>No validation results yet.</p>"
    entries = [json.loads(line) for line in history.read_text().splitlines() if line]
    last_run = entries[-1]["run_id"]
    latest = pd.DataFrame(
        [{"suite": e["suite"], "rows": e["rows"], "checks": len(e["outcomes"]),
          "failed": sum(not o["success"] for o in e["outcomes"]), "result": "passed" if e["success"] else "FAILED"}
         for e in entries if e["run_id"] == last_run]
    )
    return ("<h2>Data quality (latest run)</h2>" + _table(latest, settings.suppression_k)
            + '<p><a href="validation/index.html">Validation history</a></p>')


def build_report(settings: Settings) -> Path:
    """Write report.html into the reports folder (next to validation/) and return its path."""
    conn = duckdb.connect(str(settings.published_db), read_only=True)
    try:
        k = settings.suppression_k
        sections = [_platform_section(conn), _takedown_section(conn, k), _demographics_section(conn, k),
                    _survey_section(conn), _exposure_section(conn), _drift_section(conn), _quality_section(settings)]
    finally:
        conn.close()
    docs = settings.warehouse_dir / "docs" / "index.html"
    links = '<a href="validation/index.html">validation reports</a>'
    if docs.exists():
        links += ' · <a href="../docs/index.html">documentation of the marts (dbt docs)</a>'
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>NCII warehouse report</title>"
        f"<style>{STYLE}</style></head><body><h1>Image-based sexual abuse in Belgium: published figures</h1>"
        f"<p class='note'>Built {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC from {html.escape(str(settings.published_db))}. "
        f"Counts from 1 to {k - 1} are suppressed to protect victims. {links}</p>"
        + "".join(sections) + "</body></html>"
    )
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    target = settings.reports_dir / "report.html"
    tmp = target.with_suffix(".html.tmp")
    tmp.write_text(page)
    tmp.replace(target)
    return target
