"""What a reader of a publication knows, written as linear relations over the counts behind it.

Every count cell of every mart is an unknown: fixed when published, an unknown >= 0 when
suppressed (NULL), and unknowns >= 0 for counts the marts never publish but a reader can
reason about (final outcomes behind `removal_rate`, a total that has no row, a month's
victims of one gender behind a monitoring share). The relations are those of the contract:
`all` members, complements, rates, quarters as sums of months, years as sums of months,
shares (as intervals of their published precision), survey bases, and the monitoring tables.
A mart or column the publication does not hold is left out. See docs/disclosure-audit.md.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from orchestration.disclosure.system import LinearSystem

ALL = "all"
RATE_TOLERANCE = 1e-6  # a published rate is a double: removed - rate * final is zero up to rounding
FULL_PRECISION_DECIMALS = 7  # a column with more decimals than this is read as unrounded
CASE_MEASURES = ("cases", "ai_generated_cases")
REQUEST_MEASURES = ("takedown_requests", "takedowns_removed", "final_outcomes")  # final outcomes: never published
# removals within a time, published only as a rate over final outcomes on the rows of source and incident `all`
SPEED_RATES = {24: "removed_within_24h_rate", 48: "removed_within_48h_rate"}
PM_DIMS = ("month", "source", "platform", "incident_type")
VDQ_DIMS = ("quarter", "source", "incident_type", "victim_gender", "victim_age_band")
SURVEY_BREAKDOWNS = ("gender", "age_band", "region")
# how many categories a drift check's shares can be over (the contract's vocabularies)
CATEGORIES = {"platform_mix": 13, "victim_gender": 4, "victim_age_band": 8}
CASE_SOURCES = ("childfocus", "igvm")


def _text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _half_step(column: pd.Series) -> float:
    """Half the last published decimal of a column of shares or rates (rounded values are intervals)."""
    values = column.dropna().astype(float)
    for decimals in range(FULL_PRECISION_DECIMALS + 1):
        if ((values - values.round(decimals)).abs() <= 1e-9 * values.abs().clip(lower=1)).all():
            return 0.5 * 10.0**-decimals
    return 1e-9


def _quarter(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, 3 * ((mon - 1) // 3) + 1, 1).isoformat()


def _months_of_quarter(quarter: str) -> list[str]:
    year, mon = int(quarter[:4]), int(quarter[5:7])
    return [date(year, mon + i, 1).isoformat() for i in range(3)]


class Cube:
    """A mart of counts closed under `all`: every cell a reader can name has an unknown.

    Rows the mart holds get their published value or a suppressed unknown; a total the mart has
    no row for (a mart without `all` members, or an absent `all` row) gets a hidden unknown. A
    cell absent from a mart that has rows around it is zero: marts list every non-empty cell.
    """

    def __init__(
        self,
        audit: Relations,
        mart: str,
        dims: tuple[str, ...],
        frame: pd.DataFrame,
        measures: tuple[str, ...],
        hidden: tuple[str, ...] = (),
        mention_dim: str | None = None,
    ) -> None:
        self.audit, self.mart, self.dims, self.measures = audit, mart, dims, measures
        self.hidden = hidden
        self.mention_dim = mention_dim
        self.cells: dict[tuple[str, ...], dict[str, int]] = {}
        self.published: set[tuple[str, ...]] = set()
        for row in frame.itertuples(index=False):
            record = row._asdict()
            key = tuple(_text(record[d]) for d in dims)
            self.published.add(key)
            self.cells[key] = {m: audit.count(self.label(key, m), record.get(m)) for m in measures}
            for m in hidden:  # never a target itself: its complements are (and it is removed plus one of them)
                self.cells[key][m] = audit.system.variable(self.label(key, m))
        self._close()

    def label(self, key: tuple[str, ...], measure: str) -> str:
        where = " ".join(f"{d}={v}" for d, v in zip(self.dims, key))
        return f"{self.mart} {where}: {measure}"

    def get(self, key: tuple[str, ...], measure: str) -> dict[int, float]:
        """The cell as a linear expression ({} when the cell is absent, i.e. zero)."""
        cell = self.cells.get(key)
        return {cell[measure]: 1.0} if cell is not None and measure in cell else {}

    def _close(self) -> None:
        grouped = list(range(1, len(self.dims)))  # the first dimension is time: never summed here
        for key in list(self.cells):
            for size in range(1, len(grouped) + 1):
                for dims in itertools.combinations(grouped, size):
                    total = tuple(ALL if i in dims else v for i, v in enumerate(key))
                    if total not in self.cells:
                        self.cells[total] = {
                            m: self.audit.hidden(self.label(total, m) + " (no row)") for m in self.measures
                        }
                        self.cells[total] |= {m: self.audit.system.variable(self.label(total, m)) for m in self.hidden}
        members: dict[tuple[int, tuple[str, ...]], list[tuple[str, ...]]] = defaultdict(list)
        for key in self.cells:
            for i in grouped:
                if key[i] != ALL:
                    members[(i, key[:i] + (ALL,) + key[i + 1 :])].append(key)
        system = self.audit.system
        for (i, total), parts in members.items():
            for m in (*self.measures, *self.hidden):
                whole = self.get(total, m)
                summed = {self.cells[p][m]: 1.0 for p in parts}
                why = f"{self.label(total, m)} and its {self.dims[i]} members"
                if self.dims[i] == self.mention_dim and m in CASE_MEASURES:
                    # a case naming several platforms counts once in `all`: between the largest member and the sum
                    system.at_most(whole, summed, why)
                    for p in parts:
                        system.at_most({self.cells[p][m]: 1.0}, whole, why)
                else:
                    system.equal(whole, summed, why)


@dataclass
class Relations:
    """Builds the linear system of one publication."""

    k: int

    def __post_init__(self) -> None:
        self.system = LinearSystem()
        self.pm: Cube | None = None
        self.vdq: Cube | None = None
        self._splits: dict[tuple[str, str, str], dict[tuple[str, str], int]] = {}

    # --- unknowns -----------------------------------------------------------------
    def count(self, label: str, value: object) -> int:
        """A published count (fixed) or a suppressed one (an unknown >= 0 the reader must not narrow)."""
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            index = self.system.variable(label)
            self.system.target(label, {index: 1.0}, kind="cell")
            return index
        number = float(value)
        index = self.system.variable(label, number, number)
        if 1 <= number <= self.k - 1:  # a small count published as it is
            self.system.target(label, {index: 1.0})
        return index

    def hidden(self, label: str, low: float = 0.0, high: float = math.inf) -> int:
        """A count no table publishes, but which a reader can reason about: it must not be pinned to 1..k-1."""
        index = self.system.variable(label, low, high)
        self.system.target(label, {index: 1.0})
        return index

    # --- marts ----------------------------------------------------------------------
    def platform_monthly(self, frame: pd.DataFrame) -> None:
        measures = tuple(
            m for m in ("cases", "ai_generated_cases", "takedown_requests", "takedowns_removed") if m in frame.columns
        )
        self.pm = cube = Cube(
            self, "platform_monthly", PM_DIMS, frame, measures, hidden=("final_outcomes",), mention_dim="platform"
        )
        system = self.system
        for key, cell in cube.cells.items():
            name = cube.label(key, "").rstrip(": ")
            if "ai_generated_cases" in cell and "cases" in cell:
                system.at_most({cell["ai_generated_cases"]: 1}, {cell["cases"]: 1}, f"{name}: AI cases <= cases")
                system.target(f"{name}: cases - ai_generated_cases", {cell["cases"]: 1, cell["ai_generated_cases"]: -1})
            if "takedown_requests" in cell and "takedowns_removed" in cell:
                requests, removed, final = cell["takedown_requests"], cell["takedowns_removed"], cell["final_outcomes"]
                system.at_most({removed: 1}, {final: 1}, f"{name}: removed <= final outcomes")
                system.at_most({final: 1}, {requests: 1}, f"{name}: final outcomes <= requests")
                system.target(f"{name}: takedown_requests - takedowns_removed", {requests: 1, removed: -1})
                system.target(f"{name}: final outcomes - takedowns_removed", {final: 1, removed: -1})
                system.target(f"{name}: takedown_requests - final outcomes (pending)", {requests: 1, final: -1})
        if "removal_rate" in frame.columns:
            for row in frame.itertuples(index=False):
                if pd.notna(row.removal_rate):
                    cell = cube.cells[tuple(_text(getattr(row, d)) for d in PM_DIMS)]
                    self._rate(
                        {cell["takedowns_removed"]: 1},
                        {cell["final_outcomes"]: 1},
                        float(row.removal_rate),
                        f"platform_monthly removal_rate of {row.month} {row.source} {row.platform}",
                    )
        if "takedowns_removed" in frame.columns and set(SPEED_RATES.values()) & set(frame.columns):
            self._removals_within(cube, frame)

    def _removals_within(self, cube: Cube, frame: pd.DataFrame) -> None:
        """Removals within 24 h and 48 h of each month and platform (source and incident `all`): unknowns between 0
        and the removed count (W24 <= W48 <= removed), the platforms adding up to `all` (a request names one
        platform), pinned by their published rates over final outcomes. Each, and every difference of the chain
        W24 <= W48 <= removed <= final outcomes <= requests, is a count of requests a reader must not narrow."""
        system, within = self.system, {}
        for key, cell in cube.cells.items():
            if key[1] != ALL or key[3] != ALL:
                continue
            name = cube.label(key, "").rstrip(": ")
            w24 = self.hidden(f"{name}: removed within 24 h")
            w48 = self.hidden(f"{name}: removed within 48 h")
            within[key] = {24: w24, 48: w48}
            chain = [
                ("removed within 24 h", w24),
                ("removed within 48 h", w48),
                ("takedowns_removed", cell["takedowns_removed"]),
                ("final outcomes", cell["final_outcomes"]),
                ("takedown_requests", cell["takedown_requests"]),
            ]
            system.at_most({w24: 1}, {w48: 1}, f"{name}: within 24 h <= within 48 h")
            system.at_most({w48: 1}, {cell["takedowns_removed"]: 1}, f"{name}: within 48 h <= removed")
            for (small_name, small), (big_name, big) in itertools.combinations(chain, 2):
                if small in (w24, w48):
                    system.target(f"{name}: {big_name} - {small_name}", {big: 1, small: -1})
        for (month, _, platform, _), cells in within.items():
            if platform != ALL:
                continue
            for hours, total in cells.items():
                members = {c[hours]: 1.0 for (m, _, p, _), c in within.items() if m == month and p != ALL}
                system.equal({total: 1}, members, f"platform_monthly {month}: removed within {hours} h of platforms")
        for row in frame.itertuples(index=False):
            record = row._asdict()
            key = tuple(_text(record[d]) for d in PM_DIMS)
            for hours, column in SPEED_RATES.items():
                if key in within and pd.notna(record.get(column)):
                    self._rate(
                        {within[key][hours]: 1},
                        {cube.cells[key]["final_outcomes"]: 1},
                        float(record[column]),
                        f"platform_monthly {column} of {key[0]} {key[2]}",
                    )

    def _rate(self, removed: dict[int, float], final: dict[int, float], rate: float, why: str) -> None:
        """removed = rate * final (the rate is published unrounded, so only a float's error is allowed)."""
        coeffs = dict(removed)
        for index, value in final.items():
            coeffs[index] = coeffs.get(index, 0.0) - rate * value
        self.system.relate(coeffs, -RATE_TOLERANCE, RATE_TOLERANCE, why)

    def _share(
        self,
        part: dict[int, float],
        whole: dict[int, float],
        pct: float,
        half: float,
        why: str,
        part_offset: float = 0.0,
        whole_offset: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        """pct - half <= 100 * (part + part_offset) / (whole + offset) <= pct + half, as two linear rows."""
        for bound, offset, is_upper in ((pct + half, whole_offset[1], True), (pct - half, whole_offset[0], False)):
            coeffs = {i: 100.0 * v for i, v in part.items()}
            for index, value in whole.items():
                coeffs[index] = coeffs.get(index, 0.0) - bound * value
            constant = bound * offset - 100.0 * part_offset  # 100*part - bound*whole vs bound*offset - 100*part_offset
            if is_upper:
                self.system.relate(coeffs, -math.inf, constant, why)
            else:
                self.system.relate(coeffs, constant, math.inf, why)

    def pm_cell(self, month: str, source: str, platform: str, incident: str, measure: str) -> dict[int, float]:
        return self.pm.get((month, source, platform, incident), measure) if self.pm else {}

    def pm_months(self) -> list[str]:
        return sorted({key[0] for key in self.pm.cells}) if self.pm else []

    def victim_demographics_quarterly(self, frame: pd.DataFrame) -> None:
        self.vdq = cube = Cube(self, "victim_demographics_quarterly", VDQ_DIMS, frame, ("cases",))
        if "share_pct" in frame.columns:
            half = _half_step(frame["share_pct"])
            for row in frame.itertuples(index=False):
                if pd.notna(row.share_pct):
                    key = tuple(_text(getattr(row, d)) for d in VDQ_DIMS)
                    whole = cube.get((key[0], key[1], key[2], ALL, ALL), "cases")
                    self._share(
                        cube.get(key, "cases"),
                        whole,
                        float(row.share_pct),
                        half,
                        f"share_pct of {cube.label(key, 'cases')}",
                    )
        if self.pm is None:
            return
        # quarters are sums of months (cases by opening date in both marts)
        quarters = {(k[0], k[1], k[2]) for k in cube.cells if k[3] == ALL and k[4] == ALL}
        quarters |= {(_quarter(k[0]), k[1], k[3]) for k in self.pm.cells if k[2] == ALL}
        for quarter, source, incident in quarters:
            months: dict[int, float] = {}
            for month in _months_of_quarter(quarter):
                for index, value in self.pm_cell(month, source, ALL, incident, "cases").items():
                    months[index] = months.get(index, 0.0) + value
            self.system.equal(
                cube.get((quarter, source, incident, ALL, ALL), "cases"),
                months,
                f"quarter {quarter} {source} {incident}: victim_demographics_quarterly vs platform_monthly",
            )

    def platform_exposure_vs_reports(self, frame: pd.DataFrame) -> None:
        if self.pm is None:
            return
        months_of_year: dict[str, list[str]] = defaultdict(list)
        for month in self.pm_months():
            months_of_year[month[:4]].append(month)
        share_half = _half_step(frame["case_share_pct"]) if "case_share_pct" in frame.columns else 0.0
        for row in frame.itertuples(index=False):
            record = row._asdict()
            year, platform = str(int(record["year"])), str(record["platform"])
            label = f"platform_exposure_vs_reports year={year} platform={platform}"

            def year_sum(measure: str, plat: str = platform, year: str = year) -> dict[int, float]:
                total: dict[int, float] = {}
                for month in months_of_year.get(year, []):
                    for index, value in self.pm_cell(month, ALL, plat, ALL, measure).items():
                        total[index] = total.get(index, 0.0) + value
                return total

            if "helpline_cases" in record:
                cases = self.count(f"{label}: helpline_cases", record["helpline_cases"])
                self.system.equal({cases: 1}, year_sum("cases"), f"{label}: helpline_cases is the sum of its months")
                if pd.notna(record.get("case_share_pct")):
                    self._share(
                        {cases: 1},
                        year_sum("cases", ALL),
                        float(record["case_share_pct"]),
                        share_half,
                        f"{label}: case_share_pct",
                    )
            if "takedown_requests" in record:
                requests = self.count(f"{label}: takedown_requests", record["takedown_requests"])
                self.system.equal(
                    {requests: 1}, year_sum("takedown_requests"), f"{label}: requests are the sum of months"
                )
            removed, final = year_sum("takedowns_removed"), year_sum("final_outcomes")
            if pd.notna(record.get("removal_rate")):
                self._rate(removed, final, float(record["removal_rate"]), f"{label}: removal_rate")
                pending = year_sum("takedown_requests")
                for index, value in final.items():
                    pending[index] = pending.get(index, 0.0) - value
                self.system.target(f"{label}: takedown_requests - final outcomes (pending)", pending)
                not_removed = dict(final)
                for index, value in removed.items():
                    not_removed[index] = not_removed.get(index, 0.0) - value
                self.system.target(f"{label}: final outcomes - removed", not_removed)

    def platform_responsiveness(self, frame: pd.DataFrame) -> None:
        """The helpline columns beside the platforms' statements: requests are platform_monthly's, and
        `statements_per_request` with the (unsuppressed) statement count gives the request count back."""
        if self.pm is None or not {"month", "platform"} <= set(frame.columns):
            return
        spr_half = _half_step(frame["statements_per_request"]) if "statements_per_request" in frame.columns else 0.0
        covered = set(self.pm_months())
        for row in frame.itertuples(index=False):
            record = row._asdict()
            month, platform = _text(record["month"]), str(record["platform"])
            label = f"platform_responsiveness month={month} platform={platform}"
            if "takedown_requests" not in record:
                continue
            if month not in covered and pd.isna(record["takedown_requests"]):
                continue  # a month no helpline export covers (a dump-only month): NULL is no data, not a suppression
            requests = self.count(f"{label}: takedown_requests", record["takedown_requests"])
            self.system.equal(
                {requests: 1},
                self.pm_cell(month, ALL, platform, ALL, "takedown_requests"),
                f"{label}: requests as in platform_monthly",
            )
            if pd.notna(record.get("removal_rate")):
                self._rate(
                    self.pm_cell(month, ALL, platform, ALL, "takedowns_removed"),
                    self.pm_cell(month, ALL, platform, ALL, "final_outcomes"),
                    float(record["removal_rate"]),
                    f"{label}: removal_rate",
                )
            ratio, statements = record.get("statements_per_request"), record.get("tf_statements")
            if pd.notna(ratio) and pd.notna(statements) and float(ratio) > 0:
                # statements = ratio * requests, the ratio rounded: requests in [statements/(r+h), statements/(r-h)]
                s, r = float(statements), float(ratio)
                self.system.relate(
                    {requests: 1.0},
                    s / (r + spr_half),
                    s / (r - spr_half) if r > spr_half else math.inf,
                    f"{label}: statements_per_request",
                )

    def survey_prevalence(self, frame: pd.DataFrame) -> None:
        cells: dict[tuple[str, str, str, str], int] = {}
        base_of: dict[tuple[str, str], str] = {}
        for row in frame.itertuples(index=False):
            key = (str(row.wave), str(row.indicator), str(row.breakdown), str(row.group_value))
            label = f"survey_prevalence wave={key[0]} indicator={key[1]} {key[2]}={key[3]}: n_base"
            cells[key] = self.count(label, row.n_base)
            if "base" in frame.columns:
                base_of[(key[0], key[1])] = str(row.base)
        by_indicator: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for (wave, indicator, breakdown, _), index in cells.items():
            if breakdown in SURVEY_BREAKDOWNS:
                by_indicator[(wave, indicator, breakdown)].append(index)
        for (wave, indicator, breakdown), parts in by_indicator.items():
            total = cells.get((wave, indicator, "total", "total"))
            self.system.equal(
                {total: 1} if total is not None else {},
                {i: 1.0 for i in parts},
                f"survey {wave} {indicator}: {breakdown} groups add up to the total base",
            )
        # indicators over the same base (same wave and description) have the same respondents
        same_base: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
        for (wave, indicator, breakdown, group), index in cells.items():
            if (wave, indicator) in base_of:
                same_base[(wave, base_of[(wave, indicator)], breakdown, group)].append(index)
        for (wave, _, breakdown, group), indices in same_base.items():
            for other in indices[1:]:
                self.system.equal({indices[0]: 1}, {other: 1}, f"survey {wave} {breakdown}={group}: same base")

    # --- monitoring -------------------------------------------------------------------
    def monitoring(self, checks: pd.DataFrame, alerts: pd.DataFrame | None) -> None:
        """The latest run's check results, and the alerts it raised, as relations with the marts."""
        if checks.empty or not {"run_id", "checked_at", "detail"} <= set(checks.columns):
            return
        latest = checks.loc[checks["checked_at"].idxmax(), "run_id"]
        rows = checks[checks["run_id"] == latest]
        seen: set[tuple[str, str, str, str, str]] = set()
        for row in rows.itertuples(index=False):
            seen.add((row.source, row.check_name, row.subject, _text(row.period), row.detail))
        if alerts is not None and not alerts.empty and "raised_run_id" in alerts.columns:
            for alert in alerts[alerts["raised_run_id"] == latest].itertuples(index=False):
                for subject in str(alert.subject).split(" | "):
                    for line in str(alert.message).splitlines():
                        if line.startswith(f"- {subject}: "):
                            seen.add(
                                (alert.source, alert.check_name, subject, _text(alert.period), line[len(subject) + 4 :])
                            )
        for source, check, subject, period, detail in sorted(seen, key=str):
            if period in ("None", "NaT"):
                continue
            label = f"monitoring {source} {check} {subject} {period}"
            self._monitoring_detail(source, check, subject, period[:10], detail, label)

    def _unit(self, source: str, month: str) -> tuple[dict[int, float], str, str]:
        """The period's case (or request) count of a monitored source, and where its parts live."""
        if source in CASE_SOURCES:
            return self.pm_cell(month, source, ALL, ALL, "cases"), source, "cases"
        return self.pm_cell(month, ALL, ALL, ALL, "takedown_requests"), ALL, "takedown_requests"

    def _monitoring_detail(self, source: str, check: str, subject: str, month: str, detail: str, label: str) -> None:
        total, pm_source, measure = self._unit(source, month)
        if check == "volume" and (found := re.match(r"(\d+) in the period", detail)):
            n = self.count(f"{label}: {subject} in the period", float(found.group(1)))
            self.system.equal({n: 1}, total, f"{label}: volume is the period's count")
        elif (
            check == "distribution_shift"
            and subject in CATEGORIES
            and (found := re.search(r"largest moves: (.*)$", detail))
        ):
            moves = re.findall(r"(\S+) [\d.]+% -> ([\d.]+)%", found.group(1))
            if subject == "platform_mix":
                whole = {}
                for key in self.pm.cells if self.pm else ():
                    if key[0] == month and key[1] == pm_source and key[2] != ALL and key[3] == ALL:
                        whole[self.pm.cells[key][measure]] = 1.0  # mentions: each platform's count
            else:
                whole = total
            for category, pct in moves:
                if subject == "platform_mix":
                    part = self.pm_cell(month, pm_source, category, ALL, measure)
                elif source in CASE_SOURCES:
                    part = self._split(source, month, subject, category)
                else:
                    continue
                self._share(
                    part,
                    whole,
                    float(pct),
                    0.05,
                    f"{label}: share of {category}",
                    part_offset=0.5,
                    whole_offset=(0.5 * len(moves), 0.5 * CATEGORIES[subject]),
                )
        elif check == "missing_rate" and (found := re.match(r"empty in ([\d.]+)% of rows", detail)):
            part: dict[int, float] | None = None
            if source in CASE_SOURCES and subject == "victim_gender":
                part = self._split(source, month, "victim_gender", "unknown")
            elif source in CASE_SOURCES and subject == "incident_type":
                part = self.pm_cell(month, source, ALL, "unknown", "cases")
            elif source not in CASE_SOURCES and subject == "platform":
                part = self.pm_cell(month, ALL, "unknown", ALL, "takedown_requests")
            if part is not None:
                self._share(part, total, float(found.group(1)), 0.05, f"{label}: empty share")
        elif check == "unmapped_value":
            self._unmapped(source, subject, month, detail, label, pm_source, measure)

    def _reported(self, label: str, text: str) -> int:
        """A count written in a monitoring sentence: a number, or 'fewer than K' (0..K-1: zero is written so too)."""
        if text.startswith("fewer than"):
            return self.hidden(label, 0.0, float(text.split()[-1]) - 1)
        if text.endswith("or more"):
            return self.hidden(label, float(text.split()[0]))
        return self.count(label, float(text))

    def _unmapped(
        self, source: str, subject: str, month: str, detail: str, label: str, pm_source: str, measure: str
    ) -> None:
        count = r"(\d+ or more|\d+|fewer than \d+)"
        named = re.search(
            rf"typed in {count} \w+ of the period and {count} since the baseline began \({count} in all\)", detail
        )
        if named:
            in_period = self._reported(f"{label}: in the period", named.group(1))
            self._reported(f"{label}: since the baseline began", named.group(2))
            self._reported(f"{label}: in all", named.group(3))
            # an unknown name counts as `other`: the period's `other` count is at least the name's
            self.system.at_most(
                {in_period: 1},
                self.pm_cell(month, pm_source, "other", ALL, measure),
                f"{label}: a name's cases are among `other`",
            )
        for count, _ in re.findall(r"(\d+) rows of the (\S+) export have", detail):
            self.count(f"{label}: quarantined rows", float(count))

    def _split(self, source: str, month: str, dimension: str, category: str) -> dict[int, float]:
        """A month's cases of one gender (or age band): unpublished, but the quarter's sum is in
        victim_demographics_quarterly and the month's total in platform_monthly."""
        quarter = _quarter(month)
        key = (source, quarter, dimension)
        if key not in self._splits:
            self._splits[key] = split = {}
            categories = {category}
            if self.vdq:
                position = VDQ_DIMS.index(dimension)
                categories |= {
                    k[position]
                    for k in self.vdq.cells
                    if k[0] == quarter and k[1] == source and k[2] == ALL and k[position] != ALL
                }
            for m in _months_of_quarter(quarter):
                for c in categories:
                    split[(m, c)] = self.hidden(f"monthly cases {source} {m} {dimension}={c} (not published)")
                # the groups the quarter does not list are zero in every month (the quarter's sums force it);
                # `rest` keeps the relation true when the quarterly mart is missing
                rest = self.system.variable(f"monthly cases {source} {m} other {dimension} groups")
                parts = {split[(m, c)]: 1.0 for c in categories} | {rest: 1.0}
                self.system.equal(
                    parts,
                    self.pm_cell(m, source, ALL, ALL, "cases"),
                    f"{source} {m}: {dimension} groups add up to the month",
                )
            for c in categories if self.vdq else ():
                vdq_key = [quarter, source, ALL, ALL, ALL]
                vdq_key[VDQ_DIMS.index(dimension)] = c
                quarter_total = self.vdq.get(tuple(vdq_key), "cases")
                self.system.equal(
                    {split[(m, c)]: 1.0 for m in _months_of_quarter(quarter)},
                    quarter_total,
                    f"{source} {quarter} {dimension}={c}: months add up to the quarter",
                )
        split = self._splits[key]
        if (month, category) not in split:
            return {}
        return {split[(month, category)]: 1.0}


def read_publication(conn: duckdb.DuckDBPyConnection, k: int) -> Relations:
    """Every relation a reader of this publication can use (tables it lacks are left out)."""
    tables = {row[0] for row in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    relations = Relations(k)

    def frame(table: str, needed: Iterable[str]) -> pd.DataFrame | None:
        if table not in tables:
            return None
        data = conn.execute(f'SELECT * FROM "{table}"').df()
        return data if set(needed) <= set(data.columns) else None

    if (pm := frame("platform_monthly", PM_DIMS)) is not None:
        relations.platform_monthly(pm)
    if (vdq := frame("victim_demographics_quarterly", (*VDQ_DIMS, "cases"))) is not None:
        relations.victim_demographics_quarterly(vdq)
    if (pevr := frame("platform_exposure_vs_reports", ("year", "platform"))) is not None:
        relations.platform_exposure_vs_reports(pevr)
    if (pr := frame("platform_responsiveness", ("month", "platform"))) is not None:
        relations.platform_responsiveness(pr)
    if (survey := frame("survey_prevalence", ("wave", "indicator", "breakdown", "group_value", "n_base"))) is not None:
        relations.survey_prevalence(survey)
    if (
        checks := frame(
            "monitoring_checks", ("run_id", "checked_at", "source", "check_name", "subject", "period", "detail")
        )
    ) is not None:
        relations.monitoring(
            checks, frame("alerts", ("raised_run_id", "source", "check_name", "subject", "period", "message"))
        )
    return relations
