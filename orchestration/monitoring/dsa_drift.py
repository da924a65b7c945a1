"""Drift checks of the dsa source (the platforms' daily dumps), by dump day rather than by month.

The dumps are daily, so the period is the newest loaded day and the baseline the loaded days just
before it (up to BASELINE_DAYS). Three things go wrong in practice: a day is missing from the
sequence (a download that failed), a platform's volume jumps (a platform changing how it files, or
a partial dump), and a harm group disappears (the classic cause is a category change, like version 2
of the categories on 1 July 2025, that the harm-group seed does not follow yet). The dsa source is
public and names no person, so its counts can be quoted in the details.
"""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import duckdb

from orchestration.monitoring import drift
from orchestration.monitoring.checks import CheckResult
from orchestration.vocabularies import platform_aliases

SOURCE = "dsa"
BASELINE_DAYS = 7
MIN_BASELINE_DAYS = 3
MIN_PLATFORM_STATEMENTS = 100  # a platform filing fewer a day moves by chance: no volume verdict
VOLUME_RATIO_WARN, VOLUME_RATIO_ERROR = 3.0, 10.0  # newest day against the baseline days' median, up or down
CHECKS = ("missing_day", "platform_volume", "harm_group_gone")


def _days(conn: duckdb.DuckDBPyConnection) -> list[date]:
    exists = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' AND table_name = 'dsa_loads'"
    ).fetchone()[0]
    if not exists:
        return []
    return [row[0] for row in conn.execute("SELECT DISTINCT dump_date FROM raw.dsa_loads ORDER BY 1").fetchall()]


def _result(
    check: str,
    subject: str,
    period: date | None,
    status: str,
    detail: str,
    statistic: float | None = None,
    threshold: float | None = None,
) -> CheckResult:
    return CheckResult(SOURCE, check, subject, period, 0, statistic, threshold, status, detail)


def run_dsa_checks(conn: duckdb.DuckDBPyConnection) -> list[CheckResult]:
    """Every dsa check; none for a warehouse that never loaded a dump (the source is optional), skipped (with
    the reason) while the sequence is too short."""
    days = _days(conn)
    if not days:
        return []
    newest = days[-1]
    baseline = days[-1 - BASELINE_DAYS : -1]
    return [*_missing_days(days), *_platform_volume(conn, newest, baseline), *_harm_groups_gone(conn, newest, baseline)]


def _missing_days(days: list[date]) -> list[CheckResult]:
    present = set(days)
    span = (days[-1] - days[0]).days
    missing = [days[0] + timedelta(d) for d in range(span + 1) if days[0] + timedelta(d) not in present]
    if not missing:
        return [
            _result("missing_day", "sequence", days[-1], drift.OK, f"every day from {days[0]} to {days[-1]} is loaded")
        ]
    return [
        _result(
            "missing_day", f"{day}", days[-1], drift.WARN, f"no dump loaded for {day}, between {days[0]} and {days[-1]}"
        )
        for day in missing
    ]


def _daily(conn: duckdb.DuckDBPyConnection, dimension: str, days: list[date]) -> dict[str, dict[date, int]]:
    """Belgian statements per day of `dimension` (`platform`, through the platform taxonomy, or `harm_group`)."""
    expression = {
        "platform": """CASE WHEN lower(trim(regexp_replace(c.platform_name, '\\s+', ' ', 'g'))) = '' THEN 'unknown'
                            ELSE coalesce(a.platform, 'other') END""",
        "harm_group": "c.harm_group",
    }[dimension]
    rows = conn.execute(
        f"""SELECT {expression} AS subject, c.dump_date, sum(c.statements)::BIGINT
            FROM raw.dsa_daily_counts c
            LEFT JOIN (SELECT unnest($aliases) AS alias, unnest($alias_platforms) AS platform) a
                   ON a.alias = lower(trim(regexp_replace(c.platform_name, '\\s+', ' ', 'g')))
            WHERE c.dump_date IN (SELECT unnest($days)) AND {expression} IS NOT NULL
            GROUP BY ALL""",
        {
            "aliases": [alias for alias, _ in platform_aliases()],
            "alias_platforms": [platform for _, platform in platform_aliases()],
            "days": days,
        },
    ).fetchall()
    out: dict[str, dict[date, int]] = {}
    for subject, day, n in rows:
        out.setdefault(subject, {})[day] = n
    return out


def _platform_volume(conn: duckdb.DuckDBPyConnection, newest: date, baseline: list[date]) -> list[CheckResult]:
    if len(baseline) < MIN_BASELINE_DAYS:
        return [
            _result(
                "platform_volume",
                "all",
                newest,
                drift.SKIPPED,
                f"{len(baseline)} earlier days loaded, {MIN_BASELINE_DAYS} needed",
            )
        ]
    results = []
    for platform, per_day in sorted(_daily(conn, "platform", [*baseline, newest]).items()):
        usual = statistics.median(per_day.get(day, 0) for day in baseline)
        now = per_day.get(newest, 0)
        if usual < MIN_PLATFORM_STATEMENTS and now < MIN_PLATFORM_STATEMENTS:
            continue
        ratio = max(now, 1) / max(usual, 1)
        jump = max(ratio, 1 / ratio)
        status = drift.ERROR if jump >= VOLUME_RATIO_ERROR else drift.WARN if jump >= VOLUME_RATIO_WARN else drift.OK
        results.append(
            _result(
                "platform_volume",
                platform,
                newest,
                status,
                f"{now:,} statements on {newest} against a median of {usual:,.0f} on the "
                f"{len(baseline)} days before ({ratio:.2f}x)",
                jump,
                VOLUME_RATIO_WARN,
            )
        )
    return results or [_result("platform_volume", "all", newest, drift.OK, "no platform large enough to judge")]


def _harm_groups_gone(conn: duckdb.DuckDBPyConnection, newest: date, baseline: list[date]) -> list[CheckResult]:
    if len(baseline) < MIN_BASELINE_DAYS:
        return [
            _result(
                "harm_group_gone",
                "all",
                newest,
                drift.SKIPPED,
                f"{len(baseline)} earlier days loaded, {MIN_BASELINE_DAYS} needed",
            )
        ]
    results = []
    for group, per_day in sorted(_daily(conn, "harm_group", [*baseline, newest]).items()):
        if not all(per_day.get(day, 0) > 0 for day in baseline):
            continue  # not a regular group of these days: its absence says nothing
        gone = per_day.get(newest, 0) == 0
        results.append(
            _result(
                "harm_group_gone",
                group,
                newest,
                drift.WARN if gone else drift.OK,
                f"statements on each of the {len(baseline)} days before, none on {newest} (a category change the "
                "harm-group seed does not follow yet?)"
                if gone
                else f"{per_day.get(newest, 0):,} statements on {newest}",
                float(per_day.get(newest, 0)),
                None,
            )
        )
    return results or [_result("harm_group_gone", "all", newest, drift.OK, "no harm group on every earlier day")]
