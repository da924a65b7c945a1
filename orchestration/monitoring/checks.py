"""Which drift checks run on which source, and the queries that feed them their counts.

Drift looks at data time, not the wall clock (the contract): for each source, the period is
the latest complete month before its newest export's date, and the baseline is the trailing
months before it. Freshness is the one check against today's date. Counts come from the
intermediate models (one row per case or request, the latest export's version), so an open
case that appears in every cumulative export is counted once, as in the marts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date

import duckdb
import pandas as pd

from orchestration.monitoring import drift
from orchestration.privacy import DESCRIPTOR
from orchestration.sources import SOURCES as DECLARED

MIN_BASELINE_MONTHS = 3  # fewer months of history: shares and volumes have nothing to stand on


@dataclass(frozen=True)
class CheckResult:
    """One row of the monitoring history: a check's verdict on one subject of one source."""

    source: str
    check_name: str
    subject: str
    period: date | None
    baseline_months: int
    statistic: float | None
    threshold: float | None
    status: str
    detail: str


@dataclass(frozen=True)
class SourceSpec:
    """A monitored source and where its rows are (its declaration's Drift, orchestration/sources.py)."""

    source: str
    relation: str  # one row per case or request
    month_column: str
    where: str
    distributions: Mapping[str, tuple[str, str]]
    missing: Mapping[str, str]
    unmapped: tuple[str, str]
    unit: str = "cases"


SOURCES: tuple[SourceSpec, ...] = tuple(
    SourceSpec(source=s.name, unit=s.unit, **{f.name: getattr(s.drift, f.name) for f in fields(s.drift)})
    for s in DECLARED.values()
    if s.drift
)


@dataclass
class Window:
    period: date | None
    baseline: list[date] = field(default_factory=list)  # months of the baseline that hold data


def newest_exports(conn: duckdb.DuckDBPyConnection) -> dict[str, date]:
    rows = conn.execute(
        "SELECT source, max(export_date) FROM raw.load_ledger "
        "WHERE status = 'loaded' AND export_date IS NOT NULL GROUP BY source"
    ).fetchall()
    return {source: newest for source, newest in rows}


def add_months(day: date, months: int) -> date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def period_of(newest_export: date) -> date:
    """The latest complete month before the export's date."""
    return add_months(newest_export.replace(day=1), -1)


def run_checks(
    conn: duckdb.DuckDBPyConnection, today: date, baseline_months: int, cadence_days: int, k: int
) -> list[CheckResult]:
    """Every check on every monitored source; the order is the order of the history table."""
    exports = newest_exports(conn)
    results: list[CheckResult] = []
    for spec in SOURCES:
        newest = exports.get(spec.source)
        verdict = drift.freshness(newest, today, cadence_days)
        period = period_of(newest) if newest else None
        results.append(_result(spec, "freshness", "exports", period, 0, verdict))
        if period is None:
            continue
        window = _window(conn, spec, period, baseline_months)
        if len(window.baseline) >= MIN_BASELINE_MONTHS:
            results += _volume(conn, spec, window, k)
            results += _distributions(conn, spec, window)
            results += _missing_rates(conn, spec, window, k)
        else:  # nothing to compare with yet: say so rather than judge
            results += [_skipped(spec, "volume", spec.unit, window)]
            results += [_skipped(spec, "distribution_shift", dimension, window) for dimension in spec.distributions]
            results += [_skipped(spec, "missing_rate", name, window) for name in spec.missing]
        results += _unmapped_names(conn, spec, window, k)
        results += _unknown_codes(conn, spec, newest, period, k)
    return results


def _result(
    spec: SourceSpec, check: str, subject: str, period: date | None, months: int, v: drift.Verdict
) -> CheckResult:
    return CheckResult(spec.source, check, subject, period, months, v.statistic, v.threshold, v.status, v.detail)


def _window(conn: duckdb.DuckDBPyConnection, spec: SourceSpec, period: date, months: int) -> Window:
    start = add_months(period, -months)
    held = conn.execute(
        f"SELECT DISTINCT {spec.month_column} FROM {spec.relation} WHERE {spec.where} "
        f"AND {spec.month_column} >= ? AND {spec.month_column} < ? ORDER BY 1",
        [start, period],
    ).fetchall()
    return Window(period, [row[0] for row in held])


def _skipped(spec: SourceSpec, check: str, subject: str, window: Window) -> CheckResult:
    return CheckResult(
        spec.source,
        check,
        subject,
        window.period,
        len(window.baseline),
        None,
        None,
        drift.SKIPPED,
        f"only {len(window.baseline)} baseline months with data (need {MIN_BASELINE_MONTHS})",
    )


def _volume(conn: duckdb.DuckDBPyConnection, spec: SourceSpec, window: Window, k: int) -> list[CheckResult]:
    counts = dict(
        conn.execute(
            f"SELECT {spec.month_column}, count(*) FROM {spec.relation} WHERE {spec.where} "
            f"AND {spec.month_column} IN (SELECT unnest(?)) GROUP BY 1",
            [[*window.baseline, window.period]],
        ).fetchall()
    )
    verdict = drift.volume_anomaly([counts.get(m, 0) for m in window.baseline], counts.get(window.period, 0), k)
    return [_result(spec, "volume", spec.unit, window.period, len(window.baseline), verdict)]


def _distributions(conn: duckdb.DuckDBPyConnection, spec: SourceSpec, window: Window) -> list[CheckResult]:
    results = []
    for dimension, (relation, column) in spec.distributions.items():
        frame = conn.execute(
            f"SELECT {spec.month_column} = ? AS in_period, coalesce({column}, 'unknown') AS category, count(*) AS n "
            f"FROM {relation} WHERE {spec.where} AND {spec.month_column} IN (SELECT unnest(?)) GROUP BY ALL",
            [window.period, [*window.baseline, window.period]],
        ).df()
        current = frame[frame["in_period"]].set_index("category")["n"].to_dict()
        baseline = frame[~frame["in_period"]].set_index("category")["n"].to_dict()
        verdict = drift.distribution_shift(baseline, current)
        results.append(_result(spec, "distribution_shift", dimension, window.period, len(window.baseline), verdict))
    return results


def _missing_rates(conn: duckdb.DuckDBPyConnection, spec: SourceSpec, window: Window, k: int) -> list[CheckResult]:
    sums = ", ".join(
        f"count(*) FILTER (WHERE in_period AND ({rule})), count(*) FILTER (WHERE NOT in_period AND ({rule}))"
        for rule in spec.missing.values()
    )
    row = conn.execute(
        f"SELECT count(*) FILTER (WHERE in_period), count(*) FILTER (WHERE NOT in_period), {sums} FROM ("
        f"  SELECT *, {spec.month_column} = ? AS in_period FROM {spec.relation} "
        f"  WHERE {spec.where} AND {spec.month_column} IN (SELECT unnest(?)))",
        [window.period, [*window.baseline, window.period]],
    ).fetchone()
    current_n, baseline_n = row[0], row[1]
    results = []
    for i, name in enumerate(spec.missing):
        current_missing, baseline_missing = row[2 + 2 * i], row[3 + 2 * i]
        verdict = drift.missing_rate_jump(baseline_missing, baseline_n, current_missing, current_n, k)
        results.append(_result(spec, "missing_rate", name, window.period, len(window.baseline), verdict))
    return results


def _unmapped_names(conn: duckdb.DuckDBPyConnection, spec: SourceSpec, window: Window, k: int) -> list[CheckResult]:
    """Platform names the alias seed does not know, each named by its descriptor and counted.

    A name stays flagged while it was typed anywhere in the baseline months or the period, so
    a rare name does not clear and re-alert month after month; adding it to the alias seed
    clears it at once (the models re-map all history). The models hold a name only as its
    descriptor (keyed hash, length, shape: a name typed by a helpline worker can be a person's),
    and only a descriptor is ever shown; `ncii unmapped` shows the operator the name behind it.
    A name is listed on its own when it was typed in at least k cases over the whole history;
    rarer names are counted together. Counts of the period and the window are written as fewer than k (0 to
    k-1) or k or more: an exact count would bound the suppressed `other` cells of platform_monthly; the
    statistic is the number of cases over the whole history.
    """
    relation, key = spec.unmapped
    frame = conn.execute(
        f"SELECT platform_name, count(DISTINCT {key}) FILTER (WHERE {spec.month_column} = ?) AS in_period, "
        f"count(DISTINCT {key}) FILTER (WHERE {spec.month_column} IN (SELECT unnest(?))) AS in_window, "
        f"count(DISTINCT {key}) AS in_history FROM {relation} "
        f"WHERE {spec.where} AND NOT is_mapped AND platform_name IS NOT NULL GROUP BY 1 ORDER BY 1",
        [window.period, [*window.baseline, window.period]],
    ).df()
    frame = frame[frame["in_window"] > 0]
    months = len(window.baseline)
    if frame.empty:
        return [
            CheckResult(
                spec.source,
                "unmapped_value",
                "platform names",
                window.period,
                months,
                0.0,
                0.0,
                drift.OK,
                "every platform name of the period and its baseline is in the alias seed",
            )
        ]

    def count(n: int) -> str:
        return f"{k} or more" if n >= k else f"fewer than {k}"  # zero included: a 0 beside it would make it 1..k-1

    # only a descriptor is ever shown (anything else would be a value as typed)
    shown = (frame["in_history"] >= k) & frame["platform_name"].map(lambda text: bool(DESCRIPTOR.fullmatch(text)))
    results = [
        CheckResult(
            spec.source,
            "unmapped_value",
            f"platform name {row.platform_name}",
            window.period,
            months,
            float(row.in_history),
            0.0,
            drift.WARN,
            f"name {row.platform_name} typed in {count(row.in_period)} {spec.unit} of the period and "
            f"{count(row.in_window)} since the baseline began ({row.in_history} in all); counted as 'other' "
            "until it is added to seeds/platform_aliases.csv (`ncii unmapped` shows the name)",
        )
        for row in frame[shown].itertuples()
    ]
    rare = frame[~shown]
    if not rare.empty:
        results.append(
            CheckResult(
                spec.source,
                "unmapped_value",
                "platform names (rare, not shown)",
                window.period,
                months,
                None,
                0.0,
                drift.WARN,
                f"{len(rare)} unknown platform names, each typed in fewer than {k} {spec.unit}, not listed; "
                "`ncii unmapped` lists every unknown name with its hash",
            )
        )
    return results


def _unknown_codes(
    conn: duckdb.DuckDBPyConnection, spec: SourceSpec, newest: date, period: date, k: int
) -> list[CheckResult]:
    """Codes (channel, gender, ...) the code map does not know, from the quarantine of the newest export,
    each named by the descriptor its quarantine reason holds (never the code: it may be personal data);
    a row count from 1 to k-1 is written as such."""
    rows = conn.execute(
        "SELECT q.field, substr(q.reason, length('unknown code ') + 1) AS code, count(*) FROM raw.quarantine q "
        "JOIN raw.load_ledger l USING (load_id) WHERE l.source = ? AND l.export_date = ? "
        "AND q.reason LIKE 'unknown code %' GROUP BY ALL ORDER BY 3 DESC",
        [spec.source, newest],
    ).fetchall()
    return [
        CheckResult(
            spec.source,
            "unmapped_value",
            f"code {fieldname} {_descriptor(code)}",
            period,
            0,
            float(n) if n >= k else None,
            0.0,
            drift.WARN,
            f"{n if n >= k else f'fewer than {k}'} rows of the {newest:%Y-%m-%d} export have a {fieldname} "
            f"value {_descriptor(code)}, which seeds/code_map.csv does not list (`ncii unmapped` shows the "
            "value); that field counts as unknown until the code is added",
        )
        for fieldname, code, n in rows
    ]


def _descriptor(text: str) -> str:
    """The descriptor a quarantine reason names; anything else (a reason written by an older version) is not shown."""
    return text if DESCRIPTOR.fullmatch(text) else "(not shown)"


def results_frame(results: list[CheckResult]) -> pd.DataFrame:
    return pd.DataFrame([asdict(r) for r in results])
