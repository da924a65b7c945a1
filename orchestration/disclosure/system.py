"""A system of linear relations between published and suppressed numbers, and the intervals it allows.

Every number is a variable with bounds (a published one is fixed); every relation is a row
`lo <= a . x <= hi`. A target is a linear expression (a suppressed cell, or a complement such
as `cases - ai_generated_cases`) whose feasible interval the reader can work out: its minimum
and maximum over the system, two linear programs solved by HiGHS (scipy's `linprog`), as
tau-argus and sdcTable do for their audits.

The system is split into independent blocks (connected components of the graph that links
the unknowns sharing a relation or a target), so each program is small. Most targets never
need their own programs: every solution found is a feasible point, and a target whose values
over the points seen so far already span k - 1 is proven safe (the true interval only widens).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix, vstack
from scipy.sparse.csgraph import connected_components

INTEGER_SLACK = 1e-6  # an LP bound within this of an integer is that integer (counts are whole numbers)
SEED_CAP = 1e7  # upper bound used only to find feasible points when a maximum may be unbounded


@dataclass(frozen=True)
class Target:
    """A count the reader must not narrow: `cell` (a suppressed cell: any interval narrower than k
    values exposes it) or `derived` (a complement or an unpublished count: exposed when its interval
    is narrower than k values and can hold a small count 1..k-1)."""

    label: str
    coeffs: Mapping[int, float]
    kind: str = "derived"


@dataclass(frozen=True)
class Interval:
    label: str
    kind: str
    low: float
    high: float  # math.inf when unbounded


@dataclass
class LinearSystem:
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    _rows: list[tuple[dict[int, float], float, float, str]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def variable(self, name: str, low: float = 0.0, high: float = math.inf) -> int:
        self.names.append(name)
        self.lower.append(low)
        self.upper.append(high)
        return len(self.names) - 1

    def relate(self, coeffs: Mapping[int, float], low: float, high: float, why: str) -> None:
        """Add `low <= sum(coeffs[i] * x[i]) <= high` (a variable may appear more than once: summed)."""
        merged: dict[int, float] = {}
        for index, value in coeffs.items():
            merged[index] = merged.get(index, 0.0) + value
        merged = {i: v for i, v in merged.items() if v != 0.0}
        if merged:
            self._rows.append((merged, low, high, why))

    def equal(self, left: Mapping[int, float], right: Mapping[int, float], why: str, tolerance: float = 0.0) -> None:
        coeffs = dict(left)
        for index, value in right.items():
            coeffs[index] = coeffs.get(index, 0.0) - value
        self.relate(coeffs, -tolerance, tolerance, why)

    def at_most(self, left: Mapping[int, float], right: Mapping[int, float], why: str) -> None:
        coeffs = dict(left)
        for index, value in right.items():
            coeffs[index] = coeffs.get(index, 0.0) - value
        self.relate(coeffs, -math.inf, 0.0, why)

    def target(self, label: str, coeffs: Mapping[int, float], kind: str = "derived") -> None:
        self.targets.append(Target(label, dict(coeffs), kind))

    @property
    def relation_count(self) -> int:
        return len(self._rows)

    def intervals(self, targets: list[Target] | None = None, stop_width: float | None = None) -> tuple[list[Interval], list[str]]:
        """Feasible interval of every target, and the blocks whose relations contradict each other.

        With `stop_width`, a target is solved only until its interval is known to be at least that
        wide (its bounds are then reported as found so far, not as exact)."""
        return _Solver(self, stop_width).run(self.targets if targets is None else targets)


class _Solver:
    def __init__(self, system: LinearSystem, stop_width: float | None) -> None:
        self.system = system
        self.stop_width = stop_width
        n = len(system.names)
        self.lower = np.asarray(system.lower, dtype=float)
        self.upper = np.asarray(system.upper, dtype=float)
        rows, cols, vals = [], [], []
        for r, (coeffs, _, _, _) in enumerate(system._rows):
            rows += [r] * len(coeffs)
            cols += list(coeffs)
            vals += list(coeffs.values())
        self.matrix = coo_matrix((vals, (rows, cols)), shape=(len(system._rows), n)).tocsr()
        self.row_low = np.array([row[1] for row in system._rows], dtype=float)
        self.row_high = np.array([row[2] for row in system._rows], dtype=float)
        self.fixed = self.lower == self.upper
        self.values = np.where(self.fixed, self.lower, 0.0)

    def run(self, targets: list[Target]) -> tuple[list[Interval], list[str]]:
        n = len(self.system.names)
        free = np.flatnonzero(~self.fixed)
        constant = self.matrix @ self.values
        free_matrix = self.matrix[:, free]
        target_matrix = _target_matrix(targets, n)
        target_constant = target_matrix @ self.values
        target_free = target_matrix[:, free]
        problems: list[str] = []

        # rows among published numbers only: a contradiction means a relation is modelled wrongly
        only_fixed = np.diff(free_matrix.indptr) == 0
        for r in np.flatnonzero(only_fixed & ((constant < self.row_low - 1e-6) | (constant > self.row_high + 1e-6))):
            problems.append(f"published numbers contradict: {self.system._rows[r][3]}")

        block_of = _blocks(free_matrix, target_free)
        results: list[Interval | None] = [None] * len(targets)
        for t, target in enumerate(targets):
            if target_free.indptr[t] == target_free.indptr[t + 1]:  # nothing unknown in it
                value = float(target_constant[t])
                results[t] = Interval(target.label, target.kind, value, value)
        by_block: dict[int, list[int]] = {}
        for t in range(len(targets)):
            if results[t] is None:
                by_block.setdefault(int(block_of[target_free.indices[target_free.indptr[t]]]), []).append(t)
        row_block = np.full(free_matrix.shape[0], -1)
        row_block[~only_fixed] = block_of[free_matrix.indices[free_matrix.indptr[:-1][~only_fixed]]]
        for block, members in by_block.items():
            columns = np.flatnonzero(block_of == block)
            rows = np.flatnonzero(row_block == block)
            problem = _Block(
                free_matrix[rows][:, columns], self.row_low[rows] - constant[rows], self.row_high[rows] - constant[rows],
                self.lower[free[columns]], self.upper[free[columns]],
            )
            objective = target_free[members][:, columns]
            kinds = [targets[t].kind for t in members]
            found = problem.solve(objective, target_constant[members], kinds, self.stop_width)
            if found is None:
                names = ", ".join(targets[t].label for t in members[:2])
                problems.append(f"relations contradict each other in the block of {names}")
                continue
            for t, (low, high) in zip(members, found):
                results[t] = Interval(targets[t].label, targets[t].kind, low, high)
        return [r for r in results if r is not None], problems


def _target_matrix(targets: list[Target], n: int) -> csr_matrix:
    rows, cols, vals = [], [], []
    for t, target in enumerate(targets):
        for index, value in target.coeffs.items():
            rows.append(t)
            cols.append(index)
            vals.append(value)
    return coo_matrix((vals, (rows, cols)), shape=(len(targets), n)).tocsr()


def _blocks(free_matrix: csr_matrix, target_free: csr_matrix) -> np.ndarray:
    """Connected components of the unknowns: two unknowns are linked when a relation or a target holds both."""
    incidence = vstack([free_matrix, target_free]).tocsr()
    incidence.data = np.ones_like(incidence.data)
    m, n = incidence.shape
    # bipartite graph: unknowns 0..n-1, relations n..n+m-1
    graph = coo_matrix((incidence.data, (incidence.nonzero()[1], incidence.nonzero()[0] + n)), shape=(n + m, n + m))
    _, labels = connected_components(graph, directed=False)
    return labels[:n]


class _Block:
    """One independent block: `low <= A x <= high`, `lower <= x <= upper`."""

    def __init__(self, a: csr_matrix, low: np.ndarray, high: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        equal = np.isclose(low, high, rtol=0.0, atol=0.0)
        upper_rows = ~equal & np.isfinite(high)
        lower_rows = ~equal & np.isfinite(low)
        self.a_eq = a[equal] if equal.any() else None
        self.b_eq = low[equal] if equal.any() else None
        parts = [a[upper_rows], -a[lower_rows]]
        self.a_ub = vstack(parts).tocsr() if (upper_rows.any() or lower_rows.any()) else None
        self.b_ub = np.concatenate([high[upper_rows], -low[lower_rows]]) if self.a_ub is not None else None
        self.bounds = np.column_stack([lower, np.where(np.isfinite(upper), upper, np.inf)])

    def _linprog(self, c: np.ndarray, capped: bool = False):
        bounds = self.bounds.copy()
        if capped:
            bounds[:, 1] = np.minimum(bounds[:, 1], SEED_CAP)
        bounds = [(lo, None if math.isinf(hi) else hi) for lo, hi in bounds]
        return linprog(c, A_ub=self.a_ub, b_ub=self.b_ub, A_eq=self.a_eq, b_eq=self.b_eq, bounds=bounds, method="highs")

    def solve(
        self, objective: csr_matrix, constant: np.ndarray, kinds: list[str], stop_width: float | None
    ) -> list[tuple[float, float]] | None:
        """Interval of each objective row (plus its constant); None when the block has no solution.

        With `stop_width` (k - 1), a target stops being solved once it is known safe: its values
        span k - 1, or (a derived count) its minimum is already above k - 1."""
        t = objective.shape[0]
        seen_low = np.full(t, math.inf)
        seen_high = np.full(t, -math.inf)

        def see(x: np.ndarray) -> None:
            values = objective @ x + constant
            np.minimum(seen_low, values, out=seen_low)
            np.maximum(seen_high, values, out=seen_high)

        def wide(i: int) -> bool:
            return stop_width is not None and _whole_width(seen_low[i], seen_high[i]) >= stop_width

        total = np.asarray(objective.sum(axis=0)).ravel()
        first = self._linprog(total)
        if first.status == 2:
            return None
        if first.status == 0:
            see(first.x)
        for c in (-total, *(_signs(total.size, seed) for seed in range(2))):
            seed = self._linprog(c, capped=True)
            if seed.status == 0:
                see(seed.x)
        lows, highs = seen_low.copy(), seen_high.copy()
        for i in range(t):
            if wide(i):
                continue
            row = objective[i].toarray().ravel()
            low = self._linprog(row)
            if low.status == 0:
                see(low.x)
                lows[i] = low.fun + constant[i]
            elif low.status == 3:
                lows[i] = -math.inf
            if wide(i) or (stop_width is not None and kinds[i] == "derived"
                           and whole_range(lows[i], math.inf)[0] > stop_width):
                continue
            high = self._linprog(-row)
            if high.status == 0:
                see(high.x)
                highs[i] = -high.fun + constant[i]
            elif high.status == 3:
                highs[i] = math.inf
        return [(float(lo), float(hi)) for lo, hi in zip(np.minimum(lows, seen_low), np.maximum(highs, seen_high))]


def _signs(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).choice([-1.0, 1.0], size=n)


def _whole_width(low: float, high: float) -> float:
    """How many whole numbers apart the interval's integer ends are (counts are integers)."""
    if math.isinf(high) or math.isinf(low):
        return math.inf
    return math.floor(high + INTEGER_SLACK) - math.ceil(low - INTEGER_SLACK)


def whole_range(low: float, high: float) -> tuple[float, float]:
    """The integer interval inside a real one."""
    lo = low if math.isinf(low) else math.ceil(low - INTEGER_SLACK)
    hi = high if math.isinf(high) else math.floor(high + INTEGER_SLACK)
    return lo, hi


def whole_width(low: float, high: float) -> float:
    return _whole_width(low, high)
