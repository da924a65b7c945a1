"""Chart building blocks for the report: fixed platform colours, time panels that show a suppressed
value as a marked gap (never as zero), shaded partial periods, and the page's embedding.

Every plotted row carries `value` and `state`; only rows whose state is `published` are drawn as a
line, point or bar. The others are drawn as a marker at the top of their panel with a tooltip
that says why there is no value, so a gap can never be read as a zero.
"""

from __future__ import annotations

import base64
import html
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert

from orchestration import vocabularies

# A platform's colour is its `colour` in seeds/platforms.csv, the same in every chart; a platform without one there,
# or one the data hold that the seed does not list yet, takes a spare colour by its sorted place among those.
SPARE_COLOURS = ["#6b8e23", "#b8860b", "#4b0082", "#008b8b", "#a0522d"]


def platform_colour(platform: str, extra: list[str]) -> str:
    """The platform's fixed colour (`extra`: the platforms of the data the seed does not list)."""
    colours = vocabularies.platform_colours()
    if platform in colours:
        return colours[platform]
    spare = sorted({*extra, *(p for p in vocabularies.platforms() if p not in colours)})
    return SPARE_COLOURS[spare.index(platform) % len(SPARE_COLOURS)]


SOURCE_COLOURS = {"childfocus": "#0b6e4f", "igvm": "#7a3e9d", "unknown": "#9e9e9e", "all": "#333333"}
PUBLISHED = "published"
GAP_COLOUR = "#b35900"
PARTIAL_COLOUR = "#9e9e9e"
MONTH_AXIS = alt.Axis(format="%b %Y", labelAngle=0, labelOverlap=True, title=None)


@dataclass(frozen=True)
class Figure:
    """A chart with its caption and the rows it draws (offered as a CSV download beside it)."""

    key: str
    chart: alt.TopLevelMixin | dict  # an Altair chart or a Vega-Lite specification
    caption: str
    data: pd.DataFrame
    datasets: dict[str, pd.DataFrame] = field(default_factory=dict)  # named data the chart refers to


def platform_scale() -> alt.Scale:
    """The platforms in the contract's order (seeds/platforms.csv), each in its colour."""
    order = vocabularies.platforms()
    return alt.Scale(domain=order, range=[platform_colour(p, []) for p in order])


def state_text(state: str, k: int) -> str:
    """What a tooltip says about a value that is not drawn."""
    return {
        "suppressed": f"suppressed: a count from 1 to {k - 1}, or a cell that would reveal one",
        "base under k": f"not published: fewer than {k} in its base",
        "needs both": "not shown: its numerator or its base is suppressed",
    }.get(state, state)


def time_panel(
    name: str,
    rows: pd.DataFrame,
    partial: str | None,
    *,
    title: str,
    colour: str,
    y_title: str,
    value_format: str,
    width: int,
    height: int,
    y_domain: list[float] | None = None,
) -> dict:
    """One small multiple over the named dataset `name` (rows of one series, see `segments`): a line
    over published months, a marker at the top for each month with no published value, and the
    partial periods (named dataset `partial`) shaded.

    Written as Vega-Lite JSON rather than through Altair's classes: a report has about 60 panels, and
    Altair deep-copies every layer each time it is combined (seconds for the whole page)."""
    x = {"field": "month", "type": "temporal", "scale": {"type": "utc"}, "axis": MONTH_AXIS.to_dict()}
    y = {"field": "value", "type": "quantitative", "title": y_title, "scale": {"zero": True}}
    if y_domain:
        y["scale"]["domain"] = y_domain
    tooltip = [
        {"field": "period", "type": "nominal", "title": "month"},
        {"field": "series", "type": "nominal", "title": "series"},
        {"field": "value", "type": "quantitative", "title": y_title, "format": value_format},
        {"field": "note", "type": "nominal", "title": "state"},
    ]
    published = {"filter": f"datum.state == '{PUBLISHED}'"}
    layers: list[dict] = []
    if partial:
        layers.append(
            {
                "data": {"name": partial},
                "mark": {"type": "rect", "color": PARTIAL_COLOUR, "opacity": 0.18},
                "encoding": {
                    "x": {"field": "start", "type": "temporal", "scale": {"type": "utc"}},
                    "x2": {"field": "end"},
                    "tooltip": [{"field": "label", "type": "nominal", "title": "partial period"}],
                },
            }
        )
    layers.append(
        {
            "transform": [published],
            "mark": {"type": "line", "color": colour, "strokeWidth": 1.6},
            "encoding": {"x": x, "y": y, "detail": {"field": "segment", "type": "nominal"}},
        }
    )
    layers.append(
        {
            "transform": [published],
            "mark": {"type": "point", "color": colour, "filled": True, "size": 18},
            "encoding": {"x": x, "y": y, "tooltip": tooltip},
        }
    )
    if (rows["state"] != PUBLISHED).any():
        layers.append(
            {
                "transform": [{"filter": f"datum.state != '{PUBLISHED}'"}],
                "mark": {"type": "point", "shape": "triangle-down", "color": GAP_COLOUR, "filled": True, "size": 45},
                "encoding": {"x": x, "y": {"value": 4}, "tooltip": without_value(tooltip)},
            }
        )
    return {"data": {"name": name}, "layer": layers, "title": title, "width": width, "height": height}


def grid(panels: list[dict], *, title: str, columns: int) -> dict:
    """Small multiples on a shared y scale."""
    return {
        "$schema": alt.SCHEMA_URL,
        "title": title,
        "concat": panels,
        "columns": columns,
        "resolve": {"scale": {"y": "shared"}},
    }


def without_value(tooltip: list[dict]) -> list[dict]:
    """A gap's tooltip: where and why, with no value line (Vega would print `null`)."""
    return [field for field in tooltip if field.get("field") != "value"]


def segments(rows: pd.DataFrame) -> pd.DataFrame:
    """Number the runs of published months so the line breaks at every gap instead of bridging it."""
    rows = rows.sort_values("month")
    return rows.assign(segment=rows["state"].ne(PUBLISHED).cumsum())


def partial_periods(months: list[pd.Timestamp], partial_months: set[pd.Timestamp], label: str) -> pd.DataFrame:
    """Rectangles from a partial month's first day to the next month's, for shading."""
    rows = [
        {
            "start": m.strftime("%Y-%m-%d"),
            "end": (m + pd.offsets.MonthBegin(1)).strftime("%Y-%m-%d"),
            "label": f"{m:%b %Y}: {label}",
        }
        for m in sorted(partial_months)
        if m in set(months)
    ]
    return pd.DataFrame(rows, columns=["start", "end", "label"])


def data_link(key: str, frame: pd.DataFrame) -> str:
    """A download link holding the rows as CSV (an empty value is a value not published)."""
    payload = base64.b64encode(frame.to_csv(index=False).encode("utf-8")).decode("ascii")
    return (
        f'<a class="download" download="{html.escape(key)}.csv" '
        f'href="data:text/csv;charset=utf-8;base64,{payload}">Download the data (CSV)</a>'
    )


def csv_link(figure: Figure) -> str:
    """A download link holding the chart's rows."""
    return data_link(figure.key, figure.data)


def records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready rows: a missing value is null (never NaN, which Vega would read as a number)."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def figure_html(figure: Figure, index: int) -> str:
    chart = figure.chart
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)  # the browser test renders each chart
    spec.setdefault("datasets", {}).update({name: records(frame) for name, frame in figure.datasets.items()})
    spec = json.dumps(spec, default=str, allow_nan=False).replace("</", "<\\/")
    return (
        f'<figure class="chart" id="{html.escape(figure.key)}"><div class="vega" data-spec="spec-{index}"></div>'
        f'<script type="application/json" id="spec-{index}">{spec}</script>'
        f'<figcaption class="note">{html.escape(figure.caption)} {csv_link(figure)}</figcaption></figure>'
    )


def vega_bundle(cache_dir: Path) -> str:
    """Vega, Vega-Lite and vega-embed in one script (from vl-convert), so the page needs no network.

    vl-convert bundles the libraries anew on each first call in a process (seconds), so the bundle is
    kept in `cache_dir`, one file per vl-convert and Vega-Lite version."""
    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    cached = cache_dir / f"vega-embed-{vl_convert.__version__}-vl{version}.js"
    if cached.exists():
        return cached.read_text()
    bundle = vl_convert.javascript_bundle(vl_version=version).replace("</script", "<\\/script")
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
    partial.write_text(bundle)
    partial.replace(cached)
    return bundle


EMBED_SCRIPT = """
window.nciiCharts = [];
document.querySelectorAll('div.vega').forEach(function (el) {
  var spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  var done = vegaEmbed(el, spec, {actions: false, renderer: 'svg'})
    .then(function (result) { return {id: el.parentElement.id, view: result.view}; });
  window.nciiCharts.push(done);
});
"""
