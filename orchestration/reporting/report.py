"""The analysts' report: one self-contained HTML page built from the published marts only.

Headline figures come first, then small multiples with one fixed colour per platform. Totals are
read from the marts' `all` rows (a case that names two platforms is counted once there), never
added up from cells. A suppressed or unpublished value is never drawn as zero: it is a gap in the
line with a marker and a tooltip saying why, and a share is shown only when its numerator and its
base are both published. Periods the data cover only in part are shaded and labelled.

The charts are Vega-Lite specifications (Altair) rendered in the browser by vega-embed, whose
JavaScript is inlined in the page (from vl-convert), so the page opens from disk with no network.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import altair as alt
import duckdb
import pandas as pd

from orchestration import database, vocabularies
from orchestration.reporting import charts, platforms
from orchestration.reporting.charts import PUBLISHED, Figure
from orchestration.settings import Settings

SOURCES = {"childfocus": "Child Focus (minors)", "igvm": "IGVM (adults)", "all": "both helplines"}
GENDERS = {"female": "#c2185b", "male": "#1f4e9c", "non_binary": "#e0b000", "unknown": "#bdbdbd"}
COUNT_COLUMNS = ("cases", "helpline_cases", "takedown_requests", "helpline requests", "n_base")
STYLE = """body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:76rem;color:#222;padding:0 1rem}
h2{margin-top:2.2rem;border-bottom:1px solid #ddd}.note{color:#555;font-size:.88rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem}
.suppressed{color:#9a6700;font-style:italic}figure{margin:1rem 0;max-width:100%;overflow:hidden}
.vega svg{max-width:100%;height:auto}.cards{display:flex;flex-wrap:wrap;gap:.8rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:13rem;flex:1 1 13rem}
.card .figure{font-size:1.7rem;font-weight:600}.card .period{color:#555;font-size:.8rem}
.wide{overflow-x:auto}.up{color:#b42318}.down{color:#1a7f37}.gap{color:#b35900;font-weight:600}a.download{margin-left:.5rem}
@media print{a.download,nav{display:none}figure,.card,table{break-inside:avoid}body{max-width:none;margin:0}
.vega svg{max-width:100%}h2{break-after:avoid}}"""


class Marts:
    """The published tables the report reads, each read once."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.tables = {row[0] for row in conn.execute("SHOW TABLES").fetchall()}
        self.conn = conn
        self.monthly = self._read("platform_monthly", "month")
        self.quarterly = self._read("victim_demographics_quarterly", "quarter")
        self.survey = self._read("survey_prevalence", None)
        self.statements = self._read("platform_statements_monthly", "month")
        self.responsiveness = self._read("platform_responsiveness", "month")

    def _read(self, table: str, date_column: str | None) -> pd.DataFrame:
        frame = self.conn.execute(f'SELECT * FROM "{table}"').df() if table in self.tables else pd.DataFrame()
        if date_column and not frame.empty:
            frame[date_column] = pd.to_datetime(frame[date_column])
        return frame

    def total_rows(self) -> pd.DataFrame:
        """`platform_monthly` rows that are totals over platform or incident type (the `all` members)."""
        if self.monthly.empty:
            return self.monthly
        return self.monthly[self.monthly["platform"].eq("all") | self.monthly["incident_type"].eq("all")]


class Coverage:
    """Which months the helpline data cover in full: from the first month with cases to the latest
    complete month the monitoring names (the newest export's month is partial); months after it, and
    quarters or years that reach outside, are partial."""

    def __init__(self, marts: Marts) -> None:
        monthly = marts.monthly
        helpline = monthly[monthly["source"].isin(["childfocus", "igvm"])] if not monthly.empty else monthly
        self.months = sorted(helpline["month"].unique()) if not helpline.empty else []
        self.first = self.months[0] if self.months else None
        self.last_complete = self.months[-1] if self.months else None
        if "monitoring_checks" in marts.tables and self.months:
            latest = marts.conn.execute(
                "SELECT max(period) FROM monitoring_checks "
                "WHERE check_name = 'volume' AND source IN ('childfocus', 'igvm')"
            ).fetchone()[0]
            if latest is not None:
                self.last_complete = min(self.last_complete, pd.Timestamp(latest))

    def partial_months(self) -> set[pd.Timestamp]:
        return {m for m in self.months if m > self.last_complete}

    def covers(self, start: pd.Timestamp, end: pd.Timestamp) -> bool:
        """True when every month from start to end (inclusive) is covered in full."""
        return self.first is not None and start >= self.first and end <= self.last_complete

    def quarter_note(self, quarter: pd.Timestamp) -> str:
        end = quarter + pd.offsets.MonthBegin(2)
        return "" if self.covers(quarter, end) else " (partial quarter)"

    def year_note(self, year: int) -> str:
        return "" if self.covers(pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 1)) else " (partial year)"


WITHIN_PCTS = {"within_24h_pct": "removed_within_24h_rate", "within_48h_pct": "removed_within_48h_rate"}
RATE_COLUMNS = {"removal_pct": "removal_rate", **WITHIN_PCTS}  # fractions in the mart, percentages in the report


def _measure(row: dict | pd.Series | None, measure: str) -> tuple[float | None, str]:
    """A measure of one platform_monthly row and its state; a missing row means nothing happened."""
    if row is None:
        return (0.0, PUBLISHED) if measure in ("cases", "takedown_requests") else (None, "none that month")
    if measure in ("cases", "takedown_requests"):
        return (None, "suppressed") if pd.isna(row[measure]) else (float(row[measure]), PUBLISHED)
    if measure == "ai_share_pct":
        if pd.isna(row["cases"]) or pd.isna(row["ai_generated_cases"]):
            return None, "needs both"
        if not row["cases"]:
            return None, "none that month"
        return 100 * row["ai_generated_cases"] / row["cases"], PUBLISHED
    column = RATE_COLUMNS.get(measure, measure)
    if column not in row:  # a publication from before the measure existed
        return None, "not in this publication"
    if pd.notna(row[column]):
        return float(row[column]) * (100 if measure in RATE_COLUMNS else 1), PUBLISHED
    if (pd.notna(row["suppressed"]) and bool(row["suppressed"])) or pd.isna(row["takedown_requests"]):
        return None, "suppressed"
    if measure in WITHIN_PCTS and pd.notna(row["removal_rate"]):
        return None, "suppressed"  # its rate is shown: the count of removals within the time is protected
    return None, "none that month" if row["takedown_requests"] == 0 else "base under k"


def _series(marts: Marts, coverage: Coverage, measure: str, k: int, **keys: str) -> pd.DataFrame:
    """One measure month by month for one (source, platform, incident_type), every covered month present."""
    frame = marts.monthly
    chosen = frame[
        (frame["source"] == keys["source"])
        & (frame["platform"] == keys["platform"])
        & (frame["incident_type"] == keys["incident_type"])
    ]
    by_month = dict(zip(chosen["month"], chosen.to_dict("records")))
    rows = []
    for month in coverage.months:
        value, state = _measure(by_month.get(month), measure)
        rows.append(
            {
                "mart": "platform_monthly",
                "month": month.strftime("%Y-%m-%d"),
                "period": f"{month:%b %Y}",
                **keys,
                "measure": measure,
                "value": value,
                "state": state,
                "note": "published" if state == PUBLISHED else charts.state_text(state, k),
            }
        )
    return pd.DataFrame(rows)


class Panel(NamedTuple):
    """One small multiple: a series of platform_monthly and how to draw it."""

    title: str
    keys: dict[str, str]  # source, platform, incident_type
    colour: str
    measure: str
    y_title: str
    value_format: str = ",.0f"
    y_domain: list[float] | None = None


def _grid(
    marts: Marts,
    coverage: Coverage,
    k: int,
    panels: list[Panel],
    *,
    key: str,
    title: str,
    caption: str,
    columns: int,
    shared_y: bool = True,
) -> Figure:
    """Small multiples, one panel per series, on a shared y scale unless the panels measure different things."""
    partial = charts.partial_periods(coverage.months, coverage.partial_months(), "partial month (export mid-month)")
    datasets = {f"{key}-partial": partial} if not partial.empty else {}
    width = 150 if columns >= 4 else 200
    frames, built = [], []
    for number, panel in enumerate(panels):
        rows = charts.segments(_series(marts, coverage, panel.measure, k, **panel.keys).assign(series=panel.title))
        frames.append(rows)
        datasets[f"{key}-{number}"] = rows
        built.append(
            charts.time_panel(
                f"{key}-{number}",
                rows,
                f"{key}-partial" if not partial.empty else None,
                title=panel.title,
                colour=panel.colour,
                y_title=panel.y_title,
                value_format=panel.value_format,
                width=width,
                height=110,
                y_domain=panel.y_domain,
            )
        )
    chart = charts.grid(built, title=title, columns=columns)
    if not shared_y:
        chart["resolve"] = {"scale": {"y": "independent"}}
    data = pd.concat(frames, ignore_index=True).drop(columns="segment")
    gaps = int((data["state"] != PUBLISHED).sum())
    caption += (
        f" {gaps} months have no published value: marked ▼ at the top of their panel, never drawn as zero."
        if gaps
        else " Every value is published."
    )
    if not partial.empty:
        caption += " Shaded: partial month."
    return Figure(key, chart, caption, data, datasets)


def _platform_panels(
    marts: Marts,
    measure: str,
    y_title: str,
    value_format: str = ",.0f",
    y_domain: list[float] | None = None,
    without: tuple[str, ...] = (),
) -> list[Panel]:
    """One panel per platform of the contract, in its order, then any platform the data add."""
    order = vocabularies.platforms()
    extra = sorted(set(marts.monthly["platform"]) - set(order) - {"all"})
    return [
        Panel(
            p,
            {"source": "all", "platform": p, "incident_type": "all"},
            charts.platform_colour(p, extra),
            measure,
            y_title,
            value_format,
            y_domain,
        )
        for p in [*order, *extra]
        if p not in without
    ]


def _period(coverage: Coverage) -> str:
    return f"{coverage.first:%b %Y} to {coverage.months[-1]:%b %Y}"


def _cases_figures(marts: Marts, coverage: Coverage, k: int) -> list[Figure]:
    span = _period(coverage)
    by_source = _grid(
        marts,
        coverage,
        k,
        [
            Panel(
                SOURCES[s],
                {"source": s, "platform": "all", "incident_type": "all"},
                charts.SOURCE_COLOURS[s],
                "cases",
                "cases",
            )
            for s in SOURCES
        ],
        key="cases-by-source",
        title="Cases opened per month",
        columns=3,
        caption=f"Source: platform_monthly, rows platform = 'all' and incident_type = 'all' (each case once), {span}.",
    )
    by_platform = _grid(
        marts,
        coverage,
        k,
        _platform_panels(marts, "cases", "cases"),
        key="cases-by-platform",
        title="Cases per platform per month (both helplines)",
        columns=4,
        caption=f"Source: platform_monthly, source = 'all', incident_type = 'all', {span}. A case that names two "
        "platforms counts under each, so the panels do not add up to the total.",
    )
    total = Panel(
        "all platforms",
        {"source": "all", "platform": "all", "incident_type": "all"},
        charts.SOURCE_COLOURS["all"],
        "ai_share_pct",
        "% AI-generated",
        ".1f",
        [0, 100],
    )
    ai = _grid(
        marts,
        coverage,
        k,
        [total, *_platform_panels(marts, "ai_share_pct", "% AI-generated", ".1f", [0, 100])],
        key="ai-share-by-platform",
        title="Share of cases with AI-generated images",
        columns=4,
        caption=f"Source: platform_monthly, ai_generated_cases / cases of the same row, {span}; shown only when both "
        "are published.",
    )
    return [by_source, by_platform, ai]


def _takedown_figures(marts: Marts, coverage: Coverage, k: int) -> list[Figure]:
    span = _period(coverage)
    total = {"source": "all", "platform": "all", "incident_type": "all"}
    colour = charts.SOURCE_COLOURS["all"]
    trends = _grid(
        marts,
        coverage,
        k,
        [
            Panel("requests sent", total, colour, "takedown_requests", "requests"),
            Panel("% removed", total, colour, "removal_pct", "% removed", ".1f", [0, 100]),
            Panel("% removed within 24 h", total, colour, "within_24h_pct", "% removed", ".1f", [0, 100]),
            Panel("% removed within 48 h", total, colour, "within_48h_pct", "% removed", ".1f", [0, 100]),
            Panel("median hours to removal", total, colour, "median_hours_to_removal", "hours", ".1f"),
            Panel("90th percentile hours to removal", total, colour, "p90_hours_to_removal", "hours", ".1f"),
        ],
        key="takedown-trends",
        title="Takedown requests, all platforms",
        columns=3,
        shared_y=False,
        caption=f"Source: platform_monthly, rows source, platform and incident_type = 'all', {span}. Requests count in "
        "the month submitted; % removed, within 24 h and within 48 h (resolved at most that many hours after "
        "submission) are over requests with a final outcome (removed, geo-blocked, rejected, no response); the "
        "median and the 90th percentile (nine removals in ten took at most that long) are over removed requests. "
        "A share within 24 h or 48 h is left out where the number of removals it counts must stay hidden.",
    )
    per_platform = [
        _grid(
            marts,
            coverage,
            k,
            _platform_panels(marts, measure, label, ".1f", domain, without=("unknown",)),
            key=f"takedown-{measure}-by-platform",
            title=f"{label} per platform",
            columns=4,
            caption=f"Source: platform_monthly, source = 'all', incident_type = 'all', {span}. A rate or median "
            f"over fewer than {k} requests is not published.",
        )
        for measure, label, domain in [
            ("removal_pct", "% removed", [0, 100]),
            ("within_48h_pct", "% removed within 48 h", [0, 100]),
            ("median_hours_to_removal", "median hours to removal", None),
        ]
    ]
    return [trends, *per_platform]


def _demographics_figure(marts: Marts, coverage: Coverage, k: int) -> Figure | None:
    cells = marts.quarterly
    if cells.empty:
        return None
    cells = cells[
        (cells["incident_type"] == "all")
        & cells["source"].isin(["childfocus", "igvm"])
        & (cells["victim_gender"] != "all")
        & (cells["victim_age_band"] != "all")
    ]
    if cells.empty:
        return None
    quarters = sorted(cells["quarter"].unique())[-4:]
    recent = cells[cells["quarter"].isin(quarters)].copy()
    recent["state"] = recent["cases"].isna().map({True: "suppressed", False: PUBLISHED})
    recent["note"] = recent["state"].map(lambda s: "published" if s == PUBLISHED else charts.state_text(s, k))
    recent["value"] = recent["cases"].astype("Float64").astype(object).where(recent["cases"].notna(), None)
    recent["period"] = recent["quarter"].map(lambda q: f"{q.year} Q{q.quarter}{coverage.quarter_note(q)}")
    recent["mart"] = "victim_demographics_quarterly"
    recent["measure"] = "cases"
    recent["quarter"] = recent["quarter"].dt.strftime("%Y-%m-%d")
    data = recent[
        [
            "mart",
            "quarter",
            "period",
            "source",
            "incident_type",
            "victim_gender",
            "victim_age_band",
            "measure",
            "value",
            "state",
            "note",
        ]
    ].reset_index(drop=True)
    age_bands = [*vocabularies.age_band_order(), "unknown"]  # youngest first (seeds/age_bands.csv), then no age
    x = {
        "field": "victim_age_band",
        "type": "nominal",
        "title": None,
        "sort": age_bands,
        "scale": {"domain": age_bands},
    }
    offset = {"field": "victim_gender", "type": "nominal", "sort": list(GENDERS), "scale": {"domain": list(GENDERS)}}
    colour = {
        "field": "victim_gender",
        "type": "nominal",
        "title": "gender",
        "scale": {"domain": list(GENDERS), "range": list(GENDERS.values())},
    }
    tooltip = [{"field": f, "type": "nominal"} for f in ("period", "source", "victim_gender", "victim_age_band")] + [
        {"field": "value", "type": "quantitative", "title": "cases", "format": ",.0f"},
        {"field": "note", "type": "nominal", "title": "state"},
    ]
    panels, datasets = [], {}
    for source in ("childfocus", "igvm"):
        for period in data.sort_values("quarter")["period"].drop_duplicates():
            name = f"victims-{len(panels)}"
            datasets[name] = data[(data["source"] == source) & (data["period"] == period)]
            bars = {
                "transform": [{"filter": f"datum.state == '{PUBLISHED}'"}],
                "mark": "bar",
                "encoding": {
                    "x": x,
                    "xOffset": offset,
                    "color": colour,
                    "tooltip": tooltip,
                    "y": {"field": "value", "type": "quantitative", "title": "cases"},
                },
            }
            gaps = {
                "transform": [{"filter": f"datum.state != '{PUBLISHED}'"}],
                "mark": {
                    "type": "point",
                    "shape": "triangle-down",
                    "filled": True,
                    "color": charts.GAP_COLOUR,
                    "size": 40,
                },
                "encoding": {"x": x, "xOffset": offset, "y": {"value": 4}, "tooltip": charts.without_value(tooltip)},
            }
            panels.append(
                {
                    "data": {"name": name},
                    "layer": [bars, gaps],
                    "width": 160,
                    "height": 120,
                    "title": f"{SOURCES[source]}, {period}",
                }
            )
    chart = charts.grid(panels, title="Victims by age band and gender, last four quarters", columns=4)
    chart["resolve"] = {"scale": {"y": "independent"}}
    gaps = int((data["state"] != PUBLISHED).sum())
    return Figure(
        "victims",
        chart,
        f"Source: victim_demographics_quarterly, incident_type = 'all', last {len(quarters)} quarters. "
        f"{gaps} cells are suppressed: marked ▼ at the top of their panel, never drawn as zero.",
        data,
        datasets,
    )


def _survey_figure(marts: Marts, k: int) -> Figure | None:
    frame = marts.survey
    if frame.empty:
        return None
    frame = frame[
        frame["breakdown"].isin(["total", "gender", "age_band"])
        & frame["indicator"].isin(
            ["heard_of_deepnudes", "received_deepnude", "knows_deepnude_apps", "tried_making_all"]
        )
    ].copy()
    if frame.empty or frame["weighted_pct"].notna().sum() == 0:
        return None
    frame["mart"] = "survey_prevalence"
    frame["measure"] = "weighted_pct"
    frame["value"] = frame["weighted_pct"].astype(object).where(frame["weighted_pct"].notna(), None)
    frame["state"] = frame["weighted_pct"].isna().map({True: "suppressed", False: PUBLISHED})
    frame["reliability"] = frame["low_reliability"].map({True: "low (base under 50)", False: "ok"})
    frame["note"] = frame.apply(
        lambda r: "published" if r["state"] == PUBLISHED else "suppressed: unweighted base under 30", axis=1
    )
    data = frame[
        [
            "mart",
            "wave",
            "indicator",
            "breakdown",
            "group_value",
            "measure",
            "value",
            "ci_low_pct",
            "ci_high_pct",
            "n_base",
            "reliability",
            "state",
            "note",
        ]
    ].reset_index(drop=True)
    tooltip = [
        "wave:N",
        "indicator:N",
        "group_value:N",
        alt.Tooltip("value:Q", title="weighted %", format=".1f"),
        alt.Tooltip("ci_low_pct:Q", format=".1f"),
        alt.Tooltip("ci_high_pct:Q", format=".1f"),
        "n_base:Q",
        "reliability:N",
        alt.Tooltip("note:N", title="state"),
    ]
    y = alt.Y("group_value:N", title=None)
    wave = alt.Color("wave:N", title="wave")
    base = alt.Chart(alt.NamedData(name="survey"))
    published = base.transform_filter("datum.state == 'published'")
    rules = published.mark_rule().encode(
        x=alt.X("ci_low_pct:Q", title="weighted %", scale=alt.Scale(domain=[0, 100])),
        x2="ci_high_pct:Q",
        y=y,
        yOffset="wave:N",
        color=wave,
    )
    points = published.mark_point(size=45, strokeWidth=1.5, filled=True).encode(
        x="value:Q",
        y=y,
        yOffset="wave:N",
        color=wave,
        stroke=alt.Stroke("wave:N", legend=None),
        tooltip=tooltip,
        fillOpacity=alt.condition("datum.reliability == 'ok'", alt.value(1), alt.value(0)),
    )
    gaps = (
        base.transform_filter("datum.state != 'published'")
        .mark_point(shape="triangle-left", filled=True, color=charts.GAP_COLOUR, size=40)
        .encode(
            x=alt.value(4),
            y=y,
            yOffset="wave:N",
            tooltip=["wave:N", "indicator:N", "group_value:N", alt.Tooltip("note:N", title="state")],
        )
    )
    chart = (
        alt.layer(rules, points, gaps)
        .properties(width=300, height=110)
        .facet(row=alt.Row("indicator:N", title=None), column=alt.Column("breakdown:N", title=None))
        .resolve_scale(y="independent")
        .properties(title="Youth survey: weighted % with 95% interval")
    )
    return Figure(
        "survey",
        chart,
        "Source: survey_prevalence (University of Antwerp youth survey, 15-25). Lines: 95% Wilson interval "
        "on "
        "Kish's effective n. Hollow points: low reliability (unweighted base under 50). Bases under 30 are "
        "suppressed: marked ◀ at the left, never drawn as zero.",
        data,
        {"survey": data},
    )


def _matched_share(marts: Marts, year: int, platform: str) -> tuple[float | None, float | None, int, int]:
    """Child Focus deepnude cases naming the platform in `year` and their share of all such cases, over
    the months whose platform count is published (a suppressed month leaves both the count and the
    total); with the months used and the months in the data. No share when under half are usable."""
    frame = marts.monthly
    year_rows = frame[
        (frame["month"].dt.year == year) & (frame["source"] == "childfocus") & (frame["incident_type"] == "deepnude")
    ]
    totals = year_rows[year_rows["platform"] == "all"].set_index("month")["cases"]
    cells = year_rows[year_rows["platform"] == platform].set_index("month")["cases"]
    months = [m for m in totals.index if pd.notna(totals[m])]
    used = [m for m in months if m not in cells.index or pd.notna(cells[m])]  # no row: no case that month
    if not months or 2 * len(used) < len(months):
        return None, None, len(used), len(months)
    cases = float(sum(cells[m] for m in used if m in cells.index))
    total = float(sum(totals[m] for m in used))
    return cases, (100 * cases / total if total else None), len(used), len(months)


def _exposure_figure(marts: Marts, coverage: Coverage) -> tuple[Figure | None, str]:
    """Like with like: where minors' deepnude cases at Child Focus come from, against where 15-17-year-olds
    in the survey came across deepnudes; ratio = case share / exposure."""
    survey = marts.survey
    if survey.empty or marts.monthly.empty:
        return None, ""
    exposure = survey[
        (survey["breakdown"] == "age_band")
        & (survey["group_value"] == "15_17")
        & survey["indicator"].str.startswith("came_across_via_")
    ]
    if exposure.empty:
        return None, ""
    wave = max(exposure["wave"])
    year = int(wave)
    if year not in {m.year for m in coverage.months}:
        year = max(m.year for m in coverage.months)
    rows = []
    for _, row in exposure[exposure["wave"] == wave].iterrows():
        platform = row["indicator"].removeprefix("came_across_via_")
        cases, share, used, months = _matched_share(marts, year, platform)
        pct = None if pd.isna(row["weighted_pct"]) else float(row["weighted_pct"])
        ratio = share / pct if share is not None and pct else None
        rows.append(
            {
                "platform": platform,
                "survey_wave": wave,
                "year": year,
                "exposure_pct": pct,
                "deepnude_cases": cases,
                "months_used": f"{used} of {months}",
                "case_share_pct": share,
                "ratio": ratio,
                "state": PUBLISHED if ratio is not None else "needs both",
                "note": "published"
                if ratio is not None
                else "not shown: the survey estimate is suppressed, "
                "or the platform's count is suppressed in more than half the months",
            }
        )
    data = pd.DataFrame(rows).sort_values("exposure_pct", ascending=False, na_position="last").reset_index(drop=True)
    long = data.melt(
        id_vars=["platform", "ratio"],
        value_vars=["exposure_pct", "case_share_pct"],
        var_name="measure",
        value_name="value",
    )
    long["state"] = long["value"].notna().map({True: PUBLISHED, False: "needs both"})
    long["note"] = (
        long["value"]
        .notna()
        .map(
            {
                True: "published",
                False: "not shown: the survey estimate is suppressed, or the platform's count in most months",
            }
        )
    )
    long["measure"] = long["measure"].map(
        {
            "exposure_pct": f"survey {wave}: 15-17s who came across deepnudes there",
            "case_share_pct": f"Child Focus {year}{coverage.year_note(year)}: deepnude cases naming it",
        }
    )
    order = list(data["platform"])
    y = alt.Y("platform:N", sort=order, title=None)
    tooltip = [
        "platform:N",
        "measure:N",
        alt.Tooltip("value:Q", format=".1f", title="%"),
        alt.Tooltip("ratio:Q", format=".2f", title="ratio cases / exposure"),
        alt.Tooltip("note:N", title="state"),
    ]
    link = (
        alt.Chart(alt.NamedData(name="exposure"))
        .transform_filter(f"datum.state == '{PUBLISHED}'")
        .mark_rule(color="#999")
        .encode(x="exposure_pct:Q", x2="case_share_pct:Q", y=y)
    )
    gaps = (
        alt.Chart(alt.NamedData(name="exposure-long"))
        .transform_filter(f"datum.state != '{PUBLISHED}'")
        .mark_point(shape="triangle-left", filled=True, color=charts.GAP_COLOUR, size=50)
        .encode(x=alt.value(4), y=y, tooltip=["platform:N", "measure:N", alt.Tooltip("note:N", title="state")])
    )
    points = (
        alt.Chart(alt.NamedData(name="exposure-long"))
        .transform_filter(f"datum.state == '{PUBLISHED}'")
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("value:Q", title="%"),
            y=y,
            shape=alt.Shape(
                "measure:N", title=None, legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=600)
            ),
            color=alt.Color("platform:N", scale=charts.platform_scale(), legend=None),
            tooltip=tooltip,
        )
    )
    chart = alt.layer(link, points, gaps).properties(
        width=560, height=260, title="Where minors meet deepnudes, and where their cases come from"
    )
    shown = data[["platform", "exposure_pct", "deepnude_cases", "months_used", "case_share_pct", "ratio"]].rename(
        columns={
            "exposure_pct": f"survey {wave}: % of 15-17s",
            "deepnude_cases": f"Child Focus deepnude cases {year}",
            "months_used": "months used",
            "case_share_pct": "% of those cases",
            "ratio": "ratio cases / exposure",
        }
    )
    table = _table(shown, 0)
    caption = (
        f"Sources: survey_prevalence (age band 15_17, came_across_via_<platform>, wave {wave}; base: youths who "
        f"heard of deepnudes) and platform_monthly (source childfocus, incident_type deepnude, {year}: the "
        "platform's cases as a share of the platform = 'all' total, over the months in which the platform's "
        "count is published; a suppressed month is left out of both). Both are multiple-answer shares. "
        "Ratio above 1: the platform is more frequent in minors' cases than in their exposure."
    )
    return Figure("survey-vs-reports", chart, caption, data, {"exposure": data, "exposure-long": long}), table


def _table(frame: pd.DataFrame, k: int) -> str:
    """A small table; NULL counts read `suppressed (< k)`, never 0 or blank."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column, value in row.items():
            if pd.isna(value) and column in COUNT_COLUMNS and k:
                cells.append(f'<td class="suppressed">suppressed (&lt; {k})</td>')
            elif pd.isna(value) if not isinstance(value, (list, dict)) else False:
                cells.append('<td class="suppressed">not published</td>')
            elif isinstance(value, float):
                digits = 2 if "ratio" in column or "per request" in column else 0 if "cases" in column else 1
                cells.append(f"<td>{value:,.{digits}f}</td>")
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _headline(marts: Marts, coverage: Coverage, k: int) -> str:
    """Cards: cases this month and against the same month last year per source, AI share, takedowns."""
    month = coverage.last_complete
    year_ago = month - pd.DateOffset(years=1)
    frame = marts.monthly
    totals = frame[(frame["platform"] == "all") & (frame["incident_type"] == "all")].set_index(["source", "month"])

    def row(source: str, when: pd.Timestamp) -> pd.Series | None:
        return totals.loc[(source, when)] if (source, when) in totals.index else None

    def gap(state: str) -> str:
        return f'<span class="gap" title="{html.escape(charts.state_text(state, k))}">▼ {html.escape(state)}</span>'

    cards = []
    for source, label in SOURCES.items():
        value, state = _measure(row(source, month), "cases")
        figure = f"{value:,.0f}" if state == PUBLISHED else gap(state)
        before, before_state = _measure(row(source, year_ago), "cases")
        if year_ago < coverage.first:
            compare = "no same month last year in the data"
        elif before_state != PUBLISHED:
            compare = f"{year_ago:%b %Y}: {gap(before_state)}"
        elif state != PUBLISHED:
            compare = f"{year_ago:%b %Y}: {before:,.0f} (no change shown: this month is not published)"
        elif before:
            change = value - before
            trend = "up" if change > 0 else "down"
            compare = f'<span class="{trend}">{change:+,.0f} ({100 * change / before:+.0f}%)</span> vs {year_ago:%b %Y}'
        else:
            compare = f"{year_ago:%b %Y}: 0"
        cards.append(
            f'<div class="card"><div>Cases, {html.escape(label)}</div><div class="figure">{figure}</div>'
            f'<div class="period">{month:%B %Y}; {compare}</div></div>'
        )
    total = row("all", month)
    for measure, label, fmt in [
        ("ai_share_pct", "Share AI-generated", "{:.0f}%"),
        ("removal_pct", "Takedown requests removed", "{:.0f}%"),
        ("median_hours_to_removal", "Median hours to removal", "{:.0f} h"),
    ]:
        value, state = _measure(total, measure)
        figure = fmt.format(value) if state == PUBLISHED else gap(state)
        base = {
            "ai_share_pct": "of the month's cases, both helplines",
            "removal_pct": "of requests with a final outcome",
            "median_hours_to_removal": "submitted to removed",
        }[measure]
        cards.append(
            f'<div class="card"><div>{label}</div><div class="figure">{figure}</div>'
            f'<div class="period">{month:%B %Y}; {base}</div></div>'
        )
    partial = (
        f" {coverage.months[-1]:%B %Y} is partial (the newest export was mid-month), so the headline uses "
        f"{month:%B %Y}."
        if coverage.partial_months()
        else ""
    )
    return (
        f"<h2 id='headline'>Headline figures, {month:%B %Y}</h2><div class='cards'>{''.join(cards)}</div>"
        f"<p class='note'>Source: platform_monthly, the `all` rows (each case once). Latest complete month: "
        f"{month:%B %Y}.{partial} ▼ marks a value that is not published (hover for why); it is never a zero.</p>"
    )


def _and(words: list[str]) -> str:
    """`a, b and c`."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _platforms_section(marts: Marts, k: int) -> tuple[str, list[Figure]]:
    """The platforms' own statements for Belgium (DSA Transparency Database) and the scorecard beside the helplines."""
    figures = [platforms.statements_figure(marts.statements)] if not marts.statements.empty else []
    figures += [platforms.share_figure(marts.statements, m) for m in ("trusted_flagger_pct", "automated_pct")]
    month, table, every = platforms.scorecard(marts.responsiveness)
    extra = ""
    if month is not None:
        extra = (
            f"<h3 id='scorecard'>Scorecard, {month:%B %Y}</h3>"
            f"<div class='wide'>{_table(table.rename(columns=platforms.SCORECARD_HEADERS), k)}</div>"
            "<p class='note'>Source: platform_responsiveness. Left: the helplines' takedown requests to the "
            "platform that month, the % removed (of requests with a final outcome) and the median hours to "
            "removal, suppressed like every helpline count. Right: the platform's own statements for Belgium "
            f"from trusted flaggers in the harm groups {_and(vocabularies.scorecard_harm_groups())}, the % of "
            "those detected automatically, the median days from the decision to the database (the reporting "
            "delay) and statements per helpline request. "
            f"{charts.data_link('platform-responsiveness', every)} (every month).</p>"
        )
    return _section(
        "What platforms report (DSA Transparency Database)", "platforms", figures, "platform_statements_monthly", extra
    )


def _drift_section(marts: Marts) -> str:
    """The latest run's drift checks: what moved, in which source and month."""
    if "monitoring_checks" not in marts.tables:
        return "<h2>Drift checks</h2><p class='note'>No drift checks published yet.</p>"
    latest = marts.conn.execute(
        """SELECT source, check_name AS "check", subject, strftime(period, '%Y-%m') AS period, status, detail
           FROM monitoring_checks WHERE run_id = (SELECT arg_max(run_id, checked_at) FROM monitoring_checks)
           ORDER BY CASE status WHEN 'error' THEN 0 WHEN 'warn' THEN 1 WHEN 'skipped' THEN 2 ELSE 3 END,
                    source, "check", subject"""
    ).df()
    if latest.empty:
        return "<h2>Drift checks</h2><p class='note'>No drift checks published yet.</p>"
    flagged = latest[latest["status"].isin(["warn", "error"])]
    counts = latest["status"].value_counts().to_dict()
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warn", "ok", "skipped"))
    body = (
        f"<p class='note'>Latest run: {len(latest)} results ({summary}). Each source's latest complete month "
        "against its trailing baseline; full history in the published table monitoring_checks, alerts in "
        "alerts.</p>"
    )
    unmapped = flagged["check"] == "unmapped_value"
    body += _table(flagged[~unmapped], 0) if not flagged.empty else "<p>Nothing drifted in the latest month.</p>"
    if unmapped.any():
        body += (
            f"<details><summary>Platform names the taxonomy does not know ({int(unmapped.sum())} warnings)"
            f"</summary>{_table(flagged[unmapped], 0)}</details>"
        )
    return "<h2>Drift checks (latest run)</h2>" + body


def _quality_section(settings: Settings) -> str:
    history = settings.validation_history
    if not history.exists():
        return "<h2>Data quality</h2><p class='note'>No validation results yet.</p>"
    entries = [json.loads(line) for line in history.read_text().splitlines() if line]
    last_run = entries[-1]["run_id"]
    rows = "".join(
        f"<tr><td><a href='validation/run-{html.escape(e['run_id'])}.html#{html.escape(e['suite'])}'>"
        f"{html.escape(e['suite'])}</a></td><td>{e['rows']:,}</td><td>{len(e['outcomes'])}</td>"
        f"<td>{sum(not o['success'] for o in e['outcomes'])}</td><td>{'passed' if e['success'] else 'FAILED'}</td></tr>"
        for e in entries
        if e["run_id"] == last_run
    )
    return (
        "<h2>Data quality (latest run)</h2><table><tr><th>suite</th><th>rows</th><th>checks</th><th>failed</th>"
        f"<th>result</th></tr>{rows}</table><p class='note'>Each suite links to its checks with their bounds, "
        "value sets and observed values. <a href='validation/index.html'>Validation history</a></p>"
    )


def _section(
    title: str, anchor: str, figures: list[Figure | None], mart: str, extra: str = ""
) -> tuple[str, list[Figure]]:
    drawn = [f for f in figures if f is not None and not f.data.empty]
    if not drawn:
        return f"<h2 id='{anchor}'>{title}</h2><p class='note'>Nothing published in {mart} yet.</p>", []
    return f"<h2 id='{anchor}'>{title}</h2>" + "{figures}" + extra, drawn


def build_report(settings: Settings) -> Path:
    """Write report.html into the reports folder (next to validation/) and return its path."""
    k = settings.suppression_k
    conn = database.connect(settings.published_db, read_only=True)
    try:
        marts = Marts(conn)
        coverage = Coverage(marts)
        has_totals = coverage.months and not marts.total_rows().empty
        parts: list[tuple[str, list[Figure]]] = []
        if has_totals:
            parts.append((_headline(marts, coverage, k), []))
        parts.append(
            _section("Cases", "cases", _cases_figures(marts, coverage, k) if has_totals else [], "platform_monthly")
        )
        parts.append(
            _section(
                "Takedowns",
                "takedowns",
                _takedown_figures(marts, coverage, k) if has_totals else [],
                "platform_monthly",
            )
        )
        parts.append(
            _section(
                "Whom it hits", "victims", [_demographics_figure(marts, coverage, k)], "victim_demographics_quarterly"
            )
        )
        parts.append(_section("Youth survey", "survey", [_survey_figure(marts, k)], "survey_prevalence"))
        exposure, table = _exposure_figure(marts, coverage) if has_totals else (None, "")
        parts.append(
            _section("Survey against reports", "exposure", [exposure], "survey_prevalence and platform_monthly", table)
        )
        parts.append(_platforms_section(marts, k))
        parts.append((_drift_section(marts), []))
    finally:
        conn.close()
    parts.append((_quality_section(settings), []))
    body, index = [], 0
    for text, figures in parts:
        rendered = []
        for figure in figures:
            rendered.append(charts.figure_html(figure, index))
            index += 1
        body.append(text.replace("{figures}", "".join(rendered)) if figures else text)
    links = '<a href="validation/index.html">validation reports</a>'
    if (settings.docs_dir / "index.html").exists():
        links += ' · <a href="../docs/index.html">documentation of the marts (dbt docs)</a>'
    bundle = charts.vega_bundle(settings.cache_dir) if index else ""
    script = f"<script>{bundle}</script><script>{charts.EMBED_SCRIPT}</script>" if index else ""
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>NCII warehouse report</title>"
        f"<style>{STYLE}</style></head><body><h1>Image-based sexual abuse in Belgium: published figures</h1>"
        f"<p class='note'>Built {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from the published marts. "
        f"Counts from 1 to {k - 1} are suppressed to protect victims. <nav>{links}</nav></p>"
        + "".join(body)
        + script
        + "</body></html>"
    )
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    target = settings.report_path
    tmp = target.with_suffix(".html.tmp")
    tmp.write_text(page)
    tmp.replace(target)
    return target
