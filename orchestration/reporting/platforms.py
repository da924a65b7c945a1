"""The report's "What platforms report" section: the platforms' own statements of reasons for Belgium (the dsa
marts) and the scorecard that sets them beside the helplines' takedown requests.

The dsa counts are public and not suppressed; the helpline columns of `platform_responsiveness` are, and a
suppressed one is written as such, never as zero. Shares are read within one row of `platform_statements_monthly`
or between two rows of the same month and platform (`source_type = 'all'` is every statement), never by adding
rows up.
"""

from __future__ import annotations

import pandas as pd

from orchestration import vocabularies
from orchestration.reporting import charts
from orchestration.reporting.charts import PUBLISHED, Figure

PUBLIC = "published (public data: not suppressed)"
SCORECARD_COLUMNS = [
    "platform",
    "takedown_requests",
    "removal_pct",
    "median_hours_to_removal",
    "tf_statements",
    "tf_automated_share_pct",
    "median_days_to_database",
    "statements_per_request",
]
SCORECARD_HEADERS = {  # the page's headers (they wrap); the download keeps the mart's column names
    "takedown_requests": "helpline requests",
    "removal_pct": "% removed (helplines)",
    "median_hours_to_removal": "median hours to removal (helplines)",
    "tf_statements": "trusted-flagger statements",
    "tf_automated_share_pct": "% detected automatically",
    "median_days_to_database": "median days to the database",
    "statements_per_request": "statements per request",
}

# each share the report draws: (figure id, axis title, what it divides)
SHARES = {
    "trusted_flagger_pct": (
        "dsa-trusted-flagger-share",
        "% from trusted flaggers",
        "statements whose source_type is trusted_flagger, over every statement (source_type = 'all')",
    ),
    "automated_pct": (
        "dsa-automated-share",
        "% detected automatically",
        "automated_detections over statements, source_type = 'all'",
    ),
}


def _platforms(frame: pd.DataFrame) -> list[str]:
    """The platforms in the data, in the taxonomy's order (then any the taxonomy adds later)."""
    present = set(frame["platform"]) - {"all"}
    order = vocabularies.platforms()
    return [p for p in order if p in present] + sorted(present - set(order))


def _months(frame: pd.DataFrame) -> list[pd.Timestamp]:
    return sorted(pd.to_datetime(frame["month"]).unique())


def statements_figure(statements: pd.DataFrame) -> Figure | None:
    """Statements per harm group and platform, month by month: one panel per harm group, a bar per month stacked
    by platform (fixed colours)."""
    rows = statements[(statements["source_type"] == "all") & (statements["harm_group"] != "all")].copy()
    if rows.empty:
        return None
    rows["month"] = pd.to_datetime(rows["month"])
    data = (
        pd.DataFrame(
            {
                "mart": "platform_statements_monthly",
                "month": rows["month"].dt.strftime("%Y-%m-%d"),
                "period": rows["month"].dt.strftime("%b %Y"),
                "platform": rows["platform"],
                "harm_group": rows["harm_group"],
                "source_type": "all",
                "measure": "statements",
                "value": rows["statements"].astype(float),
                "state": PUBLISHED,
                "note": PUBLIC,
            }
        )
        .sort_values(["harm_group", "month", "platform"])
        .reset_index(drop=True)
    )
    periods = [f"{m:%b %Y}" for m in _months(rows)]
    tooltip = [
        {"field": "period", "type": "nominal", "title": "month"},
        {"field": "platform", "type": "nominal"},
        {"field": "harm_group", "type": "nominal"},
        {"field": "value", "type": "quantitative", "title": "statements", "format": ",.0f"},
        {"field": "note", "type": "nominal", "title": "state"},
    ]
    panels, datasets = [], {}
    for number, group in enumerate(data["harm_group"].drop_duplicates()):
        name = f"dsa-statements-{number}"
        datasets[name] = data[data["harm_group"] == group]
        panels.append(
            {
                "data": {"name": name},
                "title": group,
                "width": 160,
                "height": 120,
                "mark": "bar",
                "encoding": {
                    "x": {
                        "field": "period",
                        "type": "ordinal",
                        "sort": periods,
                        "title": None,
                        "axis": {"labelAngle": 0},
                    },
                    "y": {"field": "value", "type": "quantitative", "title": "statements", "stack": "zero"},
                    "color": {
                        "field": "platform",
                        "type": "nominal",
                        "title": "platform",
                        "scale": charts.platform_scale().to_dict(),
                    },
                    "tooltip": tooltip,
                },
            }
        )
    chart = charts.grid(panels, title="Platforms' statements of reasons for Belgium, per harm group", columns=4)
    chart["resolve"] = {"scale": {"y": "independent"}}
    return Figure(
        "dsa-statements-by-harm-group",
        chart,
        "Source: platform_statements_monthly, source_type = 'all' (every statement), one panel per harm "
        "group, the month of the platform's decision (application_date). A statement in none of the harm "
        "groups counts only in harm_group = 'all'. Public data: no count is suppressed.",
        data,
        datasets,
    )


def _share_rows(statements: pd.DataFrame, measure: str) -> pd.DataFrame:
    """A share of each platform's Belgian statements (harm_group = 'all'), month by month: from trusted flaggers
    (the trusted_flagger row over the 'all' row) or detected automatically (automated_detections of the 'all' row)."""
    every = statements[statements["harm_group"] == "all"].copy()
    every["month"] = pd.to_datetime(every["month"])
    totals = every[every["source_type"] == "all"].set_index(["platform", "month"])
    flagged = every[every["source_type"] == "trusted_flagger"].set_index(["platform", "month"])["statements"]
    rows = []
    for platform in _platforms(every):
        for month in _months(every):
            value, state, note = None, "none that month", "no statement for Belgium that month"
            if (platform, month) in totals.index and totals.loc[(platform, month), "statements"]:
                base = float(totals.loc[(platform, month), "statements"])
                part = (
                    float(flagged.get((platform, month), 0.0))
                    if measure == "trusted_flagger_pct"
                    else float(totals.loc[(platform, month), "automated_detections"])
                )
                value, state, note = 100 * part / base, PUBLISHED, f"{PUBLIC}; of {base:,.0f} statements"
            rows.append(
                {
                    "mart": "platform_statements_monthly",
                    "month": month.strftime("%Y-%m-%d"),
                    "period": f"{month:%b %Y}",
                    "platform": platform,
                    "series": platform,
                    "measure": measure,
                    "value": value,
                    "state": state,
                    "note": note,
                }
            )
    return pd.DataFrame(rows)


def share_figure(statements: pd.DataFrame, measure: str) -> Figure | None:
    """Small multiples, one per platform: the share of its statements from trusted flaggers, or detected
    automatically."""
    if statements.empty or not (statements["harm_group"] == "all").any():
        return None
    rows = _share_rows(statements, measure)
    key, label, what = SHARES[measure]
    panels, datasets, frames = [], {}, []
    extra = sorted(set(rows["platform"]) - set(vocabularies.platforms()))
    for number, platform in enumerate(rows["platform"].drop_duplicates()):
        name = f"dsa-{measure}-{number}"
        series = charts.segments(rows[rows["platform"] == platform])
        datasets[name] = series
        frames.append(series)
        panels.append(
            charts.time_panel(
                name,
                series,
                None,
                title=platform,
                colour=charts.platform_colour(platform, extra),
                y_title=label,
                value_format=".1f",
                width=150,
                height=110,
                y_domain=[0, 100],
            )
        )
    gaps = int((rows["state"] != PUBLISHED).sum())
    caption = f"Source: platform_statements_monthly, harm_group = 'all' (every statement for Belgium): {what}. " + (
        f"{gaps} months without a statement from the platform: marked ▼, never drawn as zero."
        if gaps
        else "Every platform filed statements every month."
    )
    data = pd.concat(frames, ignore_index=True).drop(columns="segment")
    return Figure(key, charts.grid(panels, title=f"{label}, per platform", columns=4), caption, data, datasets)


def scorecard(responsiveness: pd.DataFrame) -> tuple[pd.Timestamp | None, pd.DataFrame, pd.DataFrame]:
    """The latest month with platform statements, one row per platform (the table), and every month (the download)."""
    if responsiveness.empty:
        return None, pd.DataFrame(columns=SCORECARD_COLUMNS), responsiveness
    frame = responsiveness.copy()
    frame["month"] = pd.to_datetime(frame["month"])
    frame["removal_pct"] = 100 * frame["removal_rate"]
    covered = frame[frame["tf_statements"].notna()]
    if covered.empty:
        return None, pd.DataFrame(columns=SCORECARD_COLUMNS), frame
    month = covered["month"].max()
    latest = covered[covered["month"] == month].set_index("platform")
    table = latest.loc[_platforms(latest.reset_index()), SCORECARD_COLUMNS[1:]].reset_index()
    every = frame.sort_values(["month", "platform"]).assign(month=frame["month"].dt.strftime("%Y-%m-%d"))
    return month, table, every.drop(columns="removal_pct").reset_index(drop=True)
