"""Which published counts are suppressed: primary, then secondary suppression across the linked tables.

The helpline figures are published three times over: `platform_monthly` (months), `victim_demographics_quarterly`
(quarters) and `platform_exposure_vs_reports` (years), each with `all` members. A reader who takes every published
number as known can subtract: a total less its published members gives the suppressed ones, a count less its
`ai_generated_cases` gives the other cases, three months give their quarter. So suppression is decided here, once,
over one grid holding every count of the three marts and every linear relation between them.

Cells. Every count of a mart row is a cell: cases (C), ai_generated_cases (A), takedown_requests (R),
takedowns_removed (D) and the final-outcome count F (published through `removal_rate = D / F`); on the rows whose
source and incident type are `all`, also the removals within 24 h (W24) and 48 h (W48), published through
`removed_within_24h_rate = W24 / F` (and 48 h). The complements a reader can form are cells too, derived from two
parents: C - A, R - D, R - F (pending), F - D, D - W48 and W48 - W24. A derived cell is published when both its
parents are, and is hidden by hiding one parent (A, D, F, W48 or W24: the total stays). W24 <= W48 <= D <= F <= R,
so when the neighbouring differences are 0 or at least k, every other difference of the chain is too. The case
counts of source `unknown` are zero by the contract, known to every reader: they are no cells.

Relations (total = sum of members): every `all` member of source and incident type, of platform for the takedown
measures (a request names one platform), of the four dimensions of the quarterly mart; a quarter's `all`/`all` cell
and its three months; a year's cases (requests) of a platform and its twelve months; each complement. `platform =
'all'` for cases counts each case once, so it is no sum: it only bounds its members, and is not a relation here.

Method (iterative complementary suppression, as in tau-argus' "singleton" heuristics):
1. Primary: every count from 1 to k-1 is hidden; so is every final-outcome count under k (no rate over fewer than
   k), and one parent of every complement from 1 to k-1.
2. Secondary, repeated until nothing changes: a relation is unsafe when its published cells pin a hidden count
   (or a small complement, or a small final-outcome count), i.e. when its total is published and it has one
   hidden member, or hidden members that add up to less than k-1 above what a reader knows they are at least
   (a row exists only for a case or a request; each would be known to within fewer than k values); or when its
   total is hidden and no member is. An unsafe relation
   hides the cheapest published member (the smallest count that becomes NULL) that makes it safe (else the
   largest, and again); a zero only when no count will do, and never a protected cell (the monthly totals per
   source, and the quarters and years they add up to) while another cell will do. Hiding D hides F too (the rate
   would give D back), and hiding F hides W24 and W48 (their rates are over F).
3. Rates and medians are published only over published counts; shares only with their count and total published.
Hiding only ever grows, so the loop ends. Judged one relation at a time, linked relations can still pin a count
together: protection.py (the marts' method) starts from this pattern and covers what a check by linear
programming still finds; `ncii audit` checks the publication independently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

ALL = "all"
UNKNOWN_SOURCE = "unknown"  # requests whose case is in no export yet
CASE_MEASURES = {"C": "cases", "A": "ai_generated_cases"}
REQUEST_MEASURES = {"R": "takedown_requests", "D": "takedowns_removed", "F": "final_requests"}
# removals within 24 h and 48 h: cells only on the rows whose source and incident type are `all`
SPEED_MEASURES = {"W24": "removed_within_24h", "W48": "removed_within_48h"}
# derived cell -> (larger parent, smaller parent, the parent hidden to hide it)
COMPLEMENTS = {
    "NA": ("C", "A", "A"),
    "NR": ("R", "D", "D"),
    "P": ("R", "F", "F"),
    "FN": ("F", "D", "F"),
    "DW": ("D", "W48", "W48"),
    "WW": ("W48", "W24", "W24"),
}
# hiding a cell hides these of its row too: a removed count's rate gives it back over F, and W24 and W48 are
# published only as rates over F
LINKED = {"D": ("F",), "F": ("W24", "W48")}
PM_DIMS = ("month", "source", "platform", "incident_type")
VDQ_DIMS = ("quarter", "source", "incident_type", "victim_gender", "victim_age_band")

Key = tuple


@dataclass
class Grid:
    """Every cell (real or derived), its value and state, and the relations between cells."""

    k: int
    index: dict[Key, int] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    hidden: list[bool] = field(default_factory=list)
    primary: list[bool] = field(default_factory=list)
    protected: list[bool] = field(default_factory=list)
    derived: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # cell -> (big, small, hide)
    relations: list[tuple[int, list[int]]] = field(default_factory=list)

    def add(self, key: Key, value: int, protected: bool = False) -> int:
        self.index[key] = len(self.keys)
        self.keys.append(key)
        self.values.append(int(value))
        self.hidden.append(False)
        self.primary.append(False)
        self.protected.append(protected)
        return self.index[key]

    def is_hidden(self, cell: int) -> bool:
        parents = self.derived.get(cell)
        if parents:
            return self.hidden[parents[0]] or self.hidden[parents[1]]
        return self.hidden[cell]

    def hide(self, cell: int) -> None:
        parents = self.derived.get(cell)
        self.hidden[parents[2] if parents else cell] = True

    def relate(self, total: Key, members: Iterable[Key]) -> None:
        if total not in self.index:
            return
        cells = [self.index[m] for m in members if m in self.index]
        if cells:
            self.relations.append((self.index[total], cells))

    def is_small(self, cell: int) -> bool:
        return 1 <= self.values[cell] <= self.k - 1


def build_grid(pm: pd.DataFrame, vdq: pd.DataFrame, k: int) -> Grid:
    """The cells of the three helpline marts (unsuppressed, `all` members included) and their relations."""
    grid = Grid(k)
    # sorted: the same data gives the same suppression, whatever order the query returned its rows in
    pm = pm.copy()
    pm["month"] = pd.to_datetime(pm["month"]).dt.date
    pm = pm.sort_values(list(PM_DIMS), kind="stable").reset_index(drop=True)
    vdq = vdq.copy()
    vdq["quarter"] = pd.to_datetime(vdq["quarter"]).dt.date
    vdq = vdq.sort_values(list(VDQ_DIMS), kind="stable").reset_index(drop=True)
    names = {**CASE_MEASURES, **REQUEST_MEASURES, **SPEED_MEASURES}
    rows = list(pm[list(PM_DIMS) + list(names.values())].itertuples(index=False))
    for month, source, platform, incident, *counts in rows:
        dims = (month, source, platform, incident)
        values = dict(zip(names, counts))
        month_total = platform == ALL and incident == ALL
        for measure, value in values.items():
            if _structural_zero(source, measure) or _no_speed_cell(source, incident, measure):
                continue
            protected = month_total and (measure == "C" or measure == "R" and source == ALL)
            grid.add(("pm", measure, *dims), value, protected)
        for name, (big, small, hide) in COMPLEMENTS.items():
            if _structural_zero(source, big) or _no_speed_cell(source, incident, small):
                continue
            cell = grid.add(("pm", name, *dims), values[big] - values[small])
            grid.derived[cell] = (
                grid.index[("pm", big, *dims)],
                grid.index[("pm", small, *dims)],
                grid.index[("pm", hide, *dims)],
            )
            grid.relate(("pm", big, *dims), [("pm", small, *dims), ("pm", name, *dims)])
    _sum_relations(
        grid,
        "pm",
        [m for m in [*CASE_MEASURES, *REQUEST_MEASURES, *COMPLEMENTS]],
        [tuple(r[:4]) for r in rows],
        additive={1: None, 3: None},
    )
    request_side = [*REQUEST_MEASURES, *SPEED_MEASURES, "NR", "P", "FN", "DW", "WW"]
    _sum_relations(grid, "pm", request_side, [tuple(r[:4]) for r in rows], additive={2: None})

    vdq_rows = [tuple(r) for r in vdq[list(VDQ_DIMS) + ["cases"]].itertuples(index=False)]
    for *dims, cases in vdq_rows:
        protected = dims[2] == ALL and dims[3] == ALL and dims[4] == ALL
        grid.add(("vdq", "C", *dims), cases, protected)
    _sum_relations(grid, "vdq", ["C"], [tuple(r[:5]) for r in vdq_rows], additive={1: None, 2: None, 3: None, 4: None})

    # a quarter's cases (all genders and ages) are its months' cases (all platforms)
    months = sorted({r[0] for r in rows})
    for quarter in sorted({r[0] for r in vdq_rows}):
        in_quarter = [m for m in months if _quarter(m) == quarter]
        for source, incident in {(r[1], r[2]) for r in vdq_rows if r[0] == quarter}:
            grid.relate(
                ("vdq", "C", quarter, source, incident, ALL, ALL),
                [("pm", "C", m, source, ALL, incident) for m in in_quarter],
            )

    # platform_exposure_vs_reports: a year's cases (requests) of a platform are its months'; the year's case
    # total (`all`, the denominator of case_share_pct) is its months' totals. Its removal rate is published only
    # over months whose removed and final counts are all published (see publish_flags), so it adds nothing here.
    for year in sorted({m.year for m in months}):
        in_year = [m for m in months if m.year == year]
        for platform in sorted({r[2] for r in rows}):
            for measure in ("C", "R"):
                members = [("pm", measure, m, ALL, platform, ALL) for m in in_year]
                value = sum(grid.values[grid.index[m]] for m in members if m in grid.index)
                grid.add(("pevr", measure, year, platform), value, protected=platform == ALL)
                grid.relate(("pevr", measure, year, platform), members)
    return grid


def _structural_zero(source: str, measure: str) -> bool:
    """Source `unknown` holds only requests whose case is in no export: its case counts are 0 by the contract, so
    a reader knows them whatever is published. They are no cells: never hidden (hiding one would protect nothing)."""
    return source == UNKNOWN_SOURCE and measure in CASE_MEASURES


def _no_speed_cell(source: str, incident: str, measure: str) -> bool:
    """Removals within 24 h / 48 h are cells only where the mart publishes their rate: source and incident `all`."""
    return measure in SPEED_MEASURES and not (source == ALL and incident == ALL)


def linked(grid: Grid, cell: int) -> list[int]:
    """The cells of the same row that must be hidden with this one (LINKED, followed to the end)."""
    key, found = grid.keys[cell], []
    for measure in LINKED.get(key[1], ()) if key[0] == "pm" else ():
        other = grid.index.get((key[0], measure, *key[2:]))
        if other is not None:
            found += [other, *linked(grid, other)]
    return found


def _quarter(month):
    return month.replace(month=3 * ((month.month - 1) // 3) + 1)


def _sum_relations(grid: Grid, table: str, measures: Sequence[str], dims: list[tuple], additive: dict) -> None:
    """For each additive dimension: the `all` member of every row group is the sum of the other members."""
    for position in additive:
        groups: dict[tuple, list[tuple]] = {}
        for key in dims:
            if key[position] != ALL:
                groups.setdefault(key[:position] + (ALL,) + key[position + 1 :], []).append(key)
        for total, members in groups.items():
            for measure in measures:
                grid.relate((table, measure, *total), [(table, measure, *m) for m in members])


def mark_primary(grid: Grid) -> None:
    """Primary suppression: every count from 1 to k-1, one parent of every complement from 1 to k-1, and every
    final-outcome count under k (no rate over fewer than k). Shared by both methods (see protection.py)."""
    for cell, key in enumerate(grid.keys):
        if cell in grid.derived:
            if grid.is_small(cell):
                grid.primary[cell] = grid.primary[grid.derived[cell][2]] = True
                grid.hide(cell)
        elif grid.is_small(cell):
            grid.primary[cell] = grid.hidden[cell] = True
        elif key[1] == "F" and grid.values[cell] < grid.k:
            grid.hidden[cell] = True


def suppress(grid: Grid) -> Grid:
    """Primary, then secondary suppression until every relation is safe (see the module docstring)."""
    mark_primary(grid)
    changed = True
    while changed:
        changed = link_rates(grid)
        for total, members in grid.relations:
            while not _safe(grid, total, members):
                if not _hide_complement(grid, total, members):
                    break
                changed = True
    return grid


def link_rates(grid: Grid) -> bool:
    """A hidden removed count hides the final-outcome count of its row (the rate would give it back), and a hidden
    final-outcome count the removals within 24 h and 48 h (published only as rates over it)."""
    changed = False
    for cell, key in enumerate(grid.keys):
        if key[1] in LINKED and grid.hidden[cell]:
            for other in linked(grid, cell):
                if not grid.hidden[other]:
                    grid.hidden[other] = changed = True
    return changed


def _needs_protection(grid: Grid, cell: int) -> bool:
    """A hidden count the marts publish as NULL, or a small complement (a reader must not narrow either)."""
    if cell in grid.derived or grid.keys[cell][1] in ("F", *SPEED_MEASURES):
        return grid.primary[cell]
    return grid.is_hidden(cell)


def _safe(grid: Grid, total: int, members: list[int]) -> bool:
    hidden = [m for m in members if grid.is_hidden(m)]
    if not any(_needs_protection(grid, c) for c in [total, *hidden]):
        return True
    if grid.is_hidden(total):  # pinned only when every member is published
        return bool(hidden)
    return len(hidden) >= 2 and sum(grid.values[m] - _floor(grid, m) for m in hidden) >= grid.k - 1


def _floor(grid: Grid, cell: int) -> int:
    """What a reader knows a NULL count is at least: a row of the quarterly mart exists only for a case, a row of
    platform_monthly whose published cases (requests) are 0 exists only for a request (a case)."""
    table, measure, *dims = grid.keys[cell]
    if table == "vdq":
        return 1
    other = {"C": "R", "R": "C"}.get(measure)
    if table == "pm" and other and cell not in grid.derived:
        sibling = grid.index.get((table, other, *dims))  # None: a structural zero
        return int(sibling is None or not grid.hidden[sibling] and grid.values[sibling] == 0)
    return 0


def _cost(grid: Grid, cell: int) -> int:
    """What hiding a cell costs: the value of the published count that becomes NULL."""
    parents = grid.derived.get(cell)
    return grid.values[parents[2] if parents else cell]


def _hide_complement(grid: Grid, total: int, members: list[int]) -> bool:
    """Hide the cheapest published member that makes the relation safe; the total only when no member is left."""
    published = [m for m in members if not grid.is_hidden(m)]
    # counts first, then zeros (a NULL zero needs protecting too, and adds nothing), protected cells last
    tiers = (
        [m for m in published if not grid.protected[m] and grid.values[m] > 0],
        [m for m in published if not grid.protected[m] and grid.values[m] == 0],
        [m for m in published if grid.protected[m]],
    )
    for tier in tiers:
        candidates = sorted(tier, key=lambda m: (_cost(grid, m), grid.values[m], grid.keys[m]))
        if not candidates:
            continue
        for candidate in candidates:
            grid.hide(candidate)
            if _safe(grid, total, members):
                return True
            _unhide(grid, candidate)
        grid.hide(candidates[-1])
        return True
    if not grid.is_hidden(total):
        grid.hide(total)
        return True
    return False


def _unhide(grid: Grid, cell: int) -> None:
    parents = grid.derived.get(cell)
    target = parents[2] if parents else cell
    if not grid.primary[target]:
        grid.hidden[target] = False


PATTERN_COLUMNS = [
    "mart",
    "period",
    "source",
    "platform",
    "incident_type",
    "victim_gender",
    "victim_age_band",
    "measure",
    "is_primary",
]
PM_NAMES = {**CASE_MEASURES, **REQUEST_MEASURES, **SPEED_MEASURES}


def suppressed_cells(pm: pd.DataFrame, vdq: pd.DataFrame, k: int, method: Callable[[Grid], Grid]) -> pd.DataFrame:
    """One row per value the marts publish as NULL to protect a count (`is_primary`: the count or a complement of
    it is small itself; otherwise it protects another). Periods are ISO dates (a year: its first day). `method`
    decides the pattern: the marts use protection.protect; `suppress` alone is its first step."""
    grid = method(build_grid(pm, vdq, k))
    rows = []
    for cell, key in enumerate(grid.keys):
        if cell in grid.derived or not grid.hidden[cell]:
            continue
        table, measure, *dims = key
        if table == "pm":
            month, source, platform, incident = dims
            rows.append(
                (
                    "platform_monthly",
                    str(month),
                    source,
                    platform,
                    incident,
                    None,
                    None,
                    PM_NAMES[measure],
                    grid.primary[cell],
                )
            )
        elif table == "vdq":
            quarter, source, incident, gender, age = dims
            rows.append(
                (
                    "victim_demographics_quarterly",
                    str(quarter),
                    source,
                    None,
                    incident,
                    gender,
                    age,
                    "cases",
                    grid.primary[cell],
                )
            )
        else:
            year, platform = dims
            name = {"C": "helpline_cases", "R": "takedown_requests"}[measure]
            rows.append(
                (
                    "platform_exposure_vs_reports",
                    f"{year}-01-01",
                    None,
                    platform,
                    None,
                    None,
                    None,
                    name,
                    grid.primary[cell],
                )
            )
    # a yearly rate is published only when every month's removed and final counts behind it are (a month without
    # requests has nothing behind it)
    for key, cell in grid.index.items():
        if key[0] != "pm":
            continue
        _, measure, month, source, platform, incident = key
        requests = grid.values[grid.index[("pm", "R", month, source, platform, incident)]]
        if measure in ("D", "F") and source == ALL and incident == ALL and grid.hidden[cell] and requests > 0:
            rows.append(
                (
                    "platform_exposure_vs_reports",
                    f"{month.year}-01-01",
                    None,
                    platform,
                    None,
                    None,
                    None,
                    "removal_rate",
                    False,
                )
            )
    frame = pd.DataFrame(rows, columns=PATTERN_COLUMNS).drop_duplicates(PATTERN_COLUMNS[:-1])
    return frame.astype({c: "string" for c in PATTERN_COLUMNS[:-1]} | {"is_primary": "bool"})
