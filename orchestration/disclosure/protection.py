"""Secondary suppression that passes the arithmetic test: the heuristic's pattern, then linear programming where a
reader could still narrow a hidden count.

The reader's arithmetic over the grid of suppression.py (every count of the three helpline marts, `all` members
included) is a set of linear relations: totals are sums of their members, complements are never negative
(AI cases <= cases, removed <= final outcomes <= requests), `platform = all` lies between its largest platform and
the sum of its platforms, and a row exists only for a case or a request. A hidden count is safe when two points
the reader cannot rule out (every published number unchanged, every relation holding) put it k-1 apart.

Method, in rounds:
1. `suppression.suppress`: primary cells, then the relation-by-relation heuristic (cheap, and enough for most
   counts; on its own it leaves counts that linked relations pin).
2. The check: the interval of every hidden count (and of every small complement with a hidden parent) over these
   relations, by linear programming (system.py, the solver the audit uses, here over the grid's own relations).
3. For each count the check finds narrower than k values, the cheapest move of cells that shifts it by k-1 with
   every published number unchanged (the linear-programming heuristic of Kelly, Golden and Assad, as in sdcTable),
   searched in the count's month first, then its quarter, its year and everything; protected totals move only
   as a last resort. The published cells the move needs are hidden.
Hiding only grows, and a point stays possible once its cells are hidden, so a count found safe stays safe; the
rounds repeat until the check finds nothing. `ncii audit` checks the publication again with its own model.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix, hstack, lil_matrix, vstack

from orchestration.disclosure.audit import is_exposed
from orchestration.disclosure.suppression import (
    ALL,
    CASE_MEASURES,
    SPEED_MEASURES,
    Grid,
    Key,
    _quarter,
    linked,
    suppress,
)
from orchestration.disclosure.system import LinearSystem, whole_width


class ProtectionError(RuntimeError):
    """Some hidden count could not be protected: the pattern would fail the audit."""


def protect(grid: Grid) -> Grid:
    """The heuristic's pattern, then complementary cells until no hidden count can be narrowed (module docstring).

    A count whose interval was k-1 wide stays so (hiding only adds unknowns), so a later round checks only what
    may have changed: the counts just covered, the cells just hidden, and complements judged safe only because
    their narrow interval held no small value (a wider one might)."""
    suppress(grid)
    model = _Protection(grid)
    candidates: set[int] | None = None  # None: every target
    for _ in range(MAX_ROUNDS):
        exposed, settled = model.exposed(candidates)
        if not exposed:
            return grid
        hidden_before = np.asarray(grid.hidden).copy()
        for cell in exposed:
            if not model._protected_enough(cell) and model._find_pattern(cell) is None:
                model.unprotected.append(grid.keys[cell])
        newly = np.flatnonzero(np.asarray(grid.hidden) & ~hidden_before).tolist()
        checked = set(range(len(grid.keys))) if candidates is None else candidates
        candidates = {c for c in checked if c not in settled} | set(exposed) | set(newly)
        candidates |= {d for c in newly for d in model.derived_of.get(c, [])}
    raise ProtectionError(
        f"{len(model.exposed()[0])} hidden counts still narrower than k values after {MAX_ROUNDS} rounds of "
        f"complementary suppression ({len(model.unprotected)} times no move of k-1 existed at all)"
    )


MAX_ROUNDS = 5  # rounds of check and cover (the demo needs one, then a check that finds nothing)
EPSILON = 1e-3  # cost per unit of moving a cell that is already hidden: reuse it, but keep patterns short
PROTECTED_COST = 1e6  # a protected total moves only when nothing else can
MOVE_TOLERANCE = 1e-7  # a cell whose move is smaller than this did not move
ZERO_COST = 20.0  # a hidden zero can only move up and needs protecting itself: used only when little else will do
LINE_LIMIT = 1e3  # how far a pattern is stretched at most (any point beyond k-1 proves nothing more)


class _Protection:
    """The reader's arithmetic over the grid, and the search for patterns that defeat it (module docstring)."""

    def __init__(self, grid: Grid) -> None:
        self.grid, self.k = grid, grid.k
        n = len(grid.keys)
        self.x0 = np.asarray(grid.values, dtype=float)
        self.is_derived = np.zeros(n, dtype=bool)
        self.is_derived[list(grid.derived)] = True
        self.derived_of: dict[int, list[int]] = defaultdict(list)
        for cell, (big, small, _) in grid.derived.items():
            self.derived_of[big].append(cell)
            self.derived_of[small].append(cell)
        rows: list[tuple[dict[int, float], float, float]] = []
        for total, members in grid.relations:  # totals: sums of their members (derived cells are expressions)
            if self.is_derived[total] or any(self.is_derived[m] for m in members):
                continue
            rows.append(({total: 1.0} | {m: -1.0 for m in members}, 0.0, 0.0))
        rows += self._inequalities()
        coo = ([], [], [])
        for r, (coeffs, _, _) in enumerate(rows):
            for cell, value in coeffs.items():
                coo[0].append(r)
                coo[1].append(cell)
                coo[2].append(value)
        self.a = csr_matrix(coo_matrix((coo[2], (coo[0], coo[1])), shape=(len(rows), n)))
        self.row_low = np.array([r[1] for r in rows])  # each relation's bounds
        self.row_high = np.array([r[2] for r in rows])
        at_x0 = self.a @ self.x0
        self.room_low = self.row_low - at_x0  # how far each row may move, down and up
        self.room_high = self.row_high - at_x0
        self.floor = self._floors()
        self.protected = np.asarray(grid.protected)
        self.seen_low, self.seen_high = self.x0.copy(), self.x0.copy()
        self.unprotected: list[Key] = []
        self._periods()

    def _inequalities(self) -> list[tuple[dict[int, float], float, float]]:
        """Complements are never negative (AI cases <= cases, within 24 h <= within 48 h <= removed <= final <=
        requests), and `platform = all` counts a case once: between its largest platform and the sum of its
        platforms."""
        index, rows = self.grid.index, []
        members: dict[tuple, list[tuple]] = defaultdict(list)
        for key in self.grid.keys:
            if key[0] != "pm" or key[1] not in ("C", "R"):
                continue
            dims = key[2:]
            pairs = (("A", "C"),) if key[1] == "C" else (("D", "F"), ("F", "R"))
            if ("pm", "W24", *dims) in index:
                pairs += (("W24", "W48"), ("W48", "D"))
            for small, big in pairs:
                rows.append(({index[("pm", small, *dims)]: 1.0, index[("pm", big, *dims)]: -1.0}, -math.inf, 0.0))
            if key[1] == "C" and dims[2] != ALL:
                members[(dims[0], dims[1], ALL, dims[3])].append(dims)
        for total, parts in members.items():
            for measure in CASE_MEASURES:
                whole = index.get(("pm", measure, *total))
                if whole is None:
                    continue
                cells = [index[("pm", measure, *p)] for p in parts]
                rows.append(({whole: 1.0} | {c: -1.0 for c in cells}, -math.inf, 0.0))
                rows += [({c: 1.0, whole: -1.0}, -math.inf, 0.0) for c in cells]
        return rows

    def _floors(self) -> np.ndarray:
        """What a reader knows a cell is at least, conservatively: a row exists only for a case or a request."""
        floor = np.zeros(len(self.grid.keys))
        for cell, key in enumerate(self.grid.keys):
            if self.is_derived[cell] or self.x0[cell] < 1:
                continue
            if key[0] == "vdq":
                floor[cell] = 1
            elif key[0] == "pm" and key[1] in ("C", "R"):
                other = self.grid.index.get(("pm", {"C": "R", "R": "C"}[key[1]], *key[2:]))  # None: a structural 0
                floor[cell] = float(other is None or self.x0[other] == 0)
        return floor

    def _periods(self) -> None:
        """Cells by month, quarter and year: a pattern is searched near its cell first, then further out."""
        self.by_month, self.by_quarter, self.by_year = defaultdict(list), defaultdict(list), defaultdict(list)
        self.period: list[tuple] = []
        self._level_cache: dict[tuple, list[np.ndarray]] = {}
        for cell, key in enumerate(self.grid.keys):
            if self.is_derived[cell]:
                self.period.append(self.period[self.grid.derived[cell][0]])
                continue
            if key[0] == "pm":
                month = key[2]
                self.by_month[month].append(cell)
                self.period.append(("month", month))
            elif key[0] == "vdq":
                self.by_quarter[key[2]].append(cell)
                self.period.append(("quarter", key[2]))
            else:
                self.by_year[key[2]].append(cell)
                self.period.append(("year", key[2]))
        self.all_cells = np.flatnonzero(~self.is_derived)

    def _levels(self, cell: int) -> list[np.ndarray]:
        """Cell sets to search, nearest first: the month (with its quarter and year), the quarter, the year, all."""
        if self.period[cell] not in self._level_cache:
            self._level_cache[self.period[cell]] = self._build_levels(*self.period[cell])
        return self._level_cache[self.period[cell]]

    def _build_levels(self, kind: str, period) -> list[np.ndarray]:
        year = period if kind == "year" else period.year
        quarter = None if kind == "year" else _quarter(period)
        quarter_months = [m for m in self.by_month if _quarter(m) == quarter]
        year_cells = [c for m in self.by_month if m.year == year for c in self.by_month[m]]
        year_cells += [c for q in self.by_quarter if q.year == year for c in self.by_quarter[q]] + self.by_year[year]
        levels = []
        if kind == "month":
            levels.append(self.by_month[period] + self.by_year[year])
            levels.append(self.by_month[period] + self.by_quarter[quarter] + self.by_year[year])
        if kind == "quarter":
            levels.append(list(self.by_quarter[quarter]))
        if kind != "year":
            levels.append(
                [c for m in quarter_months for c in self.by_month[m]] + self.by_quarter[quarter] + self.by_year[year]
            )
        levels.append(year_cells)
        levels.append(list(self.all_cells))
        return [np.array(sorted(set(level))) for level in levels]

    # --- which counts need protecting ------------------------------------------------------------
    def _hide(self, cell: int) -> list[int]:
        """Hide a count, with the cells of its row its rates would give back (suppression.linked)."""
        grid, newly = self.grid, []
        for c in [cell, *linked(grid, cell)]:
            if not grid.hidden[c]:
                grid.hidden[c] = True
                newly.append(c)
        return newly

    def _is_target(self, cell: int) -> bool:
        """A hidden count (never F: no table publishes it), or a complement or a removals-within count (published
        only as a rate) that is hidden and could be small: a range narrower than k values around a value of 2k-2
        or more cannot reach 1..k-1."""
        grid = self.grid
        if cell in grid.derived or self._is_speed(cell):
            return grid.is_hidden(cell) and self.x0[cell] <= 2 * self.k - 3
        return grid.hidden[cell] and grid.keys[cell][1] != "F"

    def _is_speed(self, cell: int) -> bool:
        return self.grid.keys[cell][1] in SPEED_MEASURES

    def exposed(self, candidates: set[int] | None = None) -> tuple[list[int], set[int]]:
        """The counts a reader can narrow under the current pattern (of `candidates`, or of every target), and those
        settled for good (an interval k-1 wide): the interval of every hidden count and small complement over the
        grid's relations, by the solver the audit uses, judged by the audit's rule."""
        grid, system = self.grid, LinearSystem()
        for cell in range(len(grid.keys)):
            if grid.hidden[cell] and not self.is_derived[cell]:
                system.variable(str(cell), float(self.floor[cell]), math.inf)
            else:  # published (a derived cell is never in a relation: its value is only a placeholder)
                system.variable(str(cell), float(self.x0[cell]), float(self.x0[cell]))
        for row in range(self.a.shape[0]):
            span = slice(self.a.indptr[row], self.a.indptr[row + 1])
            system.relate(
                dict(zip(self.a.indices[span].tolist(), self.a.data[span].tolist())),
                float(self.row_low[row]),
                float(self.row_high[row]),
                str(row),
            )
        pool = range(len(grid.keys)) if candidates is None else sorted(candidates)
        targets = [cell for cell in pool if self._is_target(cell) and not self._protected_enough(cell)]
        if not targets:
            return [], set()
        for cell in targets:
            kind = "derived" if self.is_derived[cell] or self._is_speed(cell) else "cell"
            system.target(str(cell), self._expression(cell), kind)
        intervals, problems = system.intervals(stop_width=self.k - 1)
        if problems:
            raise ProtectionError(f"the grid's relations contradict each other: {problems[0]}")
        exposed = [cell for cell, interval in zip(targets, intervals) if is_exposed(interval, self.k)]
        settled = {cell for cell, i in zip(targets, intervals) if whole_width(i.low, i.high) >= self.k - 1}
        return exposed, settled

    def _protected_enough(self, cell: int) -> bool:
        return self.seen_high[cell] - self.seen_low[cell] >= self.k - 1 - 1e-9

    def _expression(self, cell: int) -> dict[int, float]:
        parents = self.grid.derived.get(cell)
        return {parents[0]: 1.0, parents[1]: -1.0} if parents else {cell: 1.0}

    def _find_pattern(self, cell: int) -> list[int] | None:
        """The cheapest move of published and hidden cells that shifts this count by k-1 while every published
        number and every relation holds; the published cells it moves are hidden. None when there is none."""
        levels = self._levels(cell if cell not in self.grid.derived else self.grid.derived[cell][0])
        for allow_protected in (False, True):
            for level in levels if not allow_protected else levels[-1:]:
                for sign in (1.0, -1.0):
                    found = self._solve(cell, level, sign, allow_protected)
                    if found is not None:
                        return self._apply(*found)
        return None

    def _solve(
        self, cell: int, columns: np.ndarray, sign: float, allow_protected: bool
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """One linear program over `columns` (the other cells stay): move the count by k-1 in the direction `sign`
        at the least cost (moving a published cell costs its value; a hidden one almost nothing)."""
        grid = self.grid
        protected = self.protected[columns] & ~np.asarray(grid.hidden)[columns]
        if not allow_protected:
            columns = columns[~protected]
            protected = protected[~protected]
        position = {c: i for i, c in enumerate(columns)}
        n = len(columns)
        aim = lil_matrix((1, n))
        for c, value in self._expression(cell).items():
            if c in position:
                aim[0, position[c]] = sign * value
        aim = aim.tocsr()
        if aim.nnz == 0:
            return None
        sub = self.a[:, columns]
        rows = np.flatnonzero(np.diff(sub.indptr) > 0)
        sub = sub[rows]
        low, high = self.room_low[rows], self.room_high[rows]
        equal = low == high
        blocks_ub, bounds_ub = [], []
        upper = ~equal & np.isfinite(high)
        lower = ~equal & np.isfinite(low)
        if upper.any():
            blocks_ub.append(hstack([sub[upper], -sub[upper]]))
            bounds_ub.append(high[upper])
        if lower.any():
            blocks_ub.append(hstack([-sub[lower], sub[lower]]))
            bounds_ub.append(-low[lower])
        blocks_ub.append(hstack([-aim, aim]))
        bounds_ub.append(np.array([-(self.k - 1.0)]))
        hidden = np.asarray(grid.hidden)[columns]
        cost = np.where(hidden, EPSILON, np.where(self.x0[columns] == 0, ZERO_COST, 1.0 + self.x0[columns]))
        cost = np.where(protected, PROTECTED_COST, cost)
        down = np.maximum(self.x0[columns] - self.floor[columns], 0.0)
        result = linprog(
            np.concatenate([cost, cost]),
            A_ub=vstack(blocks_ub).tocsr(),
            b_ub=np.concatenate(bounds_ub),
            A_eq=hstack([sub[equal], -sub[equal]]).tocsr() if equal.any() else None,
            b_eq=low[equal] if equal.any() else None,
            bounds=[(0.0, None)] * n + [(0.0, d) for d in down],
            method="highs",
        )
        if result.status != 0:
            return None
        return columns, result.x[:n] - result.x[n:]

    def _apply(self, columns: np.ndarray, delta: np.ndarray) -> list[int]:
        """Hide the published cells the pattern moves, and remember the point: every cell it moved can take
        these values whatever is hidden later (hiding only ever grows)."""
        moved = np.flatnonzero(np.abs(delta) > MOVE_TOLERANCE)
        cells, step = columns[moved], delta[moved]
        newly: list[int] = []
        for cell in cells:
            newly += self._hide(int(cell))
        for scale in self._line(cells, step):  # the move, stretched both ways as far as it stays feasible
            change = {int(c): float(scale * d) for c, d in zip(cells, step)}
            for cell, value in change.items():
                self._see(cell, self.x0[cell] + value)
                for derived in self.derived_of.get(cell, []):
                    big, small, _ = self.grid.derived[derived]
                    self._see(derived, self.x0[derived] + change.get(big, 0.0) - change.get(small, 0.0))
        return sorted(set(newly) | {int(c) for c in cells})

    def _line(self, cells: np.ndarray, step: np.ndarray) -> tuple[float, float]:
        """How far x0 + t * step stays feasible, both ways (t = 1 and t = 0 do): each end is another point the
        reader cannot rule out, so one program protects every cell of the pattern as much as it can."""
        low, high = -LINE_LIMIT, LINE_LIMIT
        room = self.x0[cells] - self.floor[cells]
        down, up = step < 0, step > 0
        if down.any():
            high = min(high, float(np.min(room[down] / -step[down])))
        if up.any():
            low = max(low, float(np.max(-room[up] / step[up])))
        change = self.a[:, cells] @ step
        for rows, sign in ((change > 1e-9, 1.0), (change < -1e-9, -1.0)):
            if rows.any():
                limits_high = np.where(sign > 0, self.room_high[rows], self.room_low[rows]) / change[rows]
                limits_low = np.where(sign > 0, self.room_low[rows], self.room_high[rows]) / change[rows]
                high = min(high, float(np.min(limits_high)))
                low = max(low, float(np.max(limits_low)))
        return min(max(low, -LINE_LIMIT), 0.0), min(max(high, 1.0), LINE_LIMIT)

    def _see(self, cell: int, value: float) -> None:
        self.seen_low[cell] = min(self.seen_low[cell], value)
        self.seen_high[cell] = max(self.seen_high[cell], value)
