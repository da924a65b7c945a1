"""A system of linear relations between published and suppressed numbers, and the intervals it allows.

Every number is a variable with bounds (a published one is fixed); every relation is a row
`lo <= a . x <= hi`. A target is a linear expression (a suppressed cell, or a complement such
as `cases - ai_generated_cases`) whose feasible interval the reader can work out: its minimum
and maximum over the system, two linear programs solved by HiGHS (kept between solves: lp.py),
as tau-argus and sdcTable do for their audits.

The system is split into independent blocks (connected components of the graph that links
the unknowns sharing a relation or a target), so each program is small. Most targets never
need their own programs: every solution found is a feasible point, and a target whose values
over the points seen so far already span k - 1 is proven safe (the true interval only widens).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix, vstack
from scipy.sparse.csgraph import connected_components

from orchestration.disclosure.lp import LinearProgram, Solution

INTEGER_SLACK = 1e-6  # an LP bound within this of an integer is that integer (counts are whole numbers)
SEED_CAP = 1e7  # upper bound used only to find feasible points when a maximum may be unbounded
SEEDS = 2  # random objectives solved per block to find spread-out feasible points
SPREAD_ROUNDS = 20  # rounds of pushing the unsettled targets down and up together
SPREAD_PROGRESS = 3  # a round must settle this many targets (more than two programs each would) to go on
LOCAL_SIZE = 150  # unknowns in the relaxation tried around a target before its whole block
LOCAL_DEPTH = 3  # relations away from the target
PROPAGATION_ROUNDS = 50  # bound propagation passes (it stops earlier once nothing tightens)
PROPAGATION_SLACK = 1e-7  # loosen each propagated bound by this: float error must never make it too tight


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

    def rows(self) -> list[tuple[dict[int, float], float, float, str]]:
        """Every relation: coefficients, lower and upper bound, and why it holds."""
        return list(self._rows)

    def parts(self) -> list[LinearSystem]:
        """The system as independent systems, each answering for its own targets exactly as the whole would:
        one per block (its unknowns, the published numbers its relations and targets name, its relations and
        targets), and one for the relations and targets that hold no unknown at all (checked, never solved).
        A part that did not change between two publications has the same verdict (memo.py keys on this)."""
        n = len(self.names)
        fixed = np.asarray(self.lower, dtype=float) == np.asarray(self.upper, dtype=float)
        free = np.flatnonzero(~fixed)
        block_of_free = np.full(n, -1)
        if len(free):
            relations = _coefficient_matrix([coeffs for coeffs, *_ in self._rows], n)
            block_of_free[free] = _blocks(relations[:, free], _target_matrix(self.targets, n)[:, free])

        def block(coeffs: Mapping[int, float]) -> int:
            return next((int(block_of_free[i]) for i in coeffs if block_of_free[i] >= 0), -1)

        rows: dict[int, list[tuple[dict[int, float], float, float, str]]] = {}
        for row in self._rows:
            rows.setdefault(block(row[0]), []).append(row)
        targets: dict[int, list[Target]] = {}
        for target in self.targets:
            targets.setdefault(block(target.coeffs), []).append(target)
        out = []
        for b in sorted(set(rows) | set(targets)):
            part, renumber = LinearSystem(), {}

            def local(coeffs: Mapping[int, float], part=part, renumber=renumber) -> dict[int, float]:
                for i in coeffs:
                    if i not in renumber:
                        renumber[i] = part.variable(self.names[i], self.lower[i], self.upper[i])
                return {renumber[i]: v for i, v in coeffs.items()}

            for coeffs, low, high, why in rows.get(b, []):
                part._rows.append((local(coeffs), low, high, why))
            for target in targets.get(b, []):
                part.targets.append(Target(target.label, local(target.coeffs), target.kind))
            out.append(part)
        return out

    def intervals(
        self, targets: list[Target] | None = None, stop_width: float | None = None
    ) -> tuple[list[Interval], list[str]]:
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
        self.matrix = _coefficient_matrix([coeffs for coeffs, *_ in system._rows], n)
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
                free_matrix[rows][:, columns],
                self.row_low[rows] - constant[rows],
                self.row_high[rows] - constant[rows],
                self.lower[free[columns]],
                self.upper[free[columns]],
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


def _coefficient_matrix(rows: list[Mapping[int, float]], n: int) -> csr_matrix:
    """One row per linear expression, one column per unknown."""
    at, cols, vals = [], [], []
    for r, coeffs in enumerate(rows):
        at += [r] * len(coeffs)
        cols += list(coeffs)
        vals += list(coeffs.values())
    return coo_matrix((vals, (at, cols)), shape=(len(rows), n)).tocsr()


def _target_matrix(targets: list[Target], n: int) -> csr_matrix:
    return _coefficient_matrix([target.coeffs for target in targets], n)


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
        self.a, self.low, self.high, self.lower, self.upper = a, low, high, lower, upper
        self.by_column = a.tocsc()
        self._programs: dict[bool, LinearProgram] = {}  # the whole block, plain and capped

    def _linprog(self, c: np.ndarray, capped: bool = False, columns: np.ndarray | None = None) -> Solution:
        """Minimise c . x over the block (its program kept between calls; with `capped`, every upper bound at
        most SEED_CAP), or over a relaxation of it: only `columns`, only the rows within them."""
        if columns is not None:
            inside = np.zeros(self.a.shape[1], dtype=bool)
            inside[columns] = True
            rows = np.flatnonzero(np.asarray((self.a[:, ~inside] != 0).sum(axis=1)).ravel() == 0)
            return LinearProgram(
                self.a[rows][:, columns], self.low[rows], self.high[rows], self.lower[columns], self.upper[columns]
            ).minimise(c)
        if capped not in self._programs:
            upper = np.minimum(self.upper, SEED_CAP) if capped else self.upper
            self._programs[capped] = LinearProgram(self.a, self.low, self.high, self.lower, upper)
        return self._programs[capped].minimise(c)

    def _neighbourhood(self, start: np.ndarray) -> np.ndarray:
        """The unknowns a few relations away from `start` (breadth first, at most LOCAL_SIZE of them)."""
        seen = set(int(i) for i in start)
        frontier = list(seen)
        for _ in range(LOCAL_DEPTH):
            rows = (
                np.unique(
                    np.concatenate(
                        [
                            self.by_column.indices[self.by_column.indptr[j] : self.by_column.indptr[j + 1]]
                            for j in frontier
                        ]
                    )
                )
                if frontier
                else np.array([], dtype=int)
            )
            reached = (
                np.unique(np.concatenate([self.a.indices[self.a.indptr[r] : self.a.indptr[r + 1]] for r in rows]))
                if rows.size
                else np.array([], dtype=int)
            )
            frontier = [int(j) for j in reached if int(j) not in seen]
            if len(seen) + len(frontier) > LOCAL_SIZE:
                break
            seen.update(frontier)
        return np.array(sorted(seen))

    def _spread(self, objective: csr_matrix, open_: list[int], settled: Callable[[int], bool], see) -> None:
        """Push the open targets all down, then all up (random positive weights), while that settles
        enough of them: one program settles many targets at once."""
        rng = np.random.default_rng(0)
        for _ in range(SPREAD_ROUNDS):
            open_ = [i for i in open_ if not settled(i)]
            if not open_:
                return
            weights = rng.uniform(0.5, 1.5, size=len(open_))
            push = np.asarray(objective[open_].multiply(weights[:, None]).sum(axis=0)).ravel()
            for sign in (1.0, -1.0):
                result = self._linprog(sign * push, capped=True)
                if result.status == 0:
                    see(result.x)
            if sum(1 for i in open_ if settled(i)) < SPREAD_PROGRESS:
                return

    def _exact(
        self,
        row: np.ndarray,
        constant: float,
        kind: str,
        stop_width: float | None,
        see,
        seen: Callable[[], tuple[float, float]],
    ) -> tuple[float, float]:
        """The target's minimum over the whole block, then its maximum unless the minimum settled it."""
        result = self._linprog(row)
        low = result.fun + constant if result.status == 0 else -math.inf
        if result.status == 0:
            see(result.x)
        if stop_width is not None and (
            _whole_width(*seen()) >= stop_width or (kind == "derived" and whole_range(low, math.inf)[0] > stop_width)
        ):
            return min(low, seen()[0]), seen()[1]
        result = self._linprog(-row)
        high = -result.fun + constant if result.status == 0 else math.inf
        if result.status == 0:
            see(result.x)
        return min(low, seen()[0]), max(high, seen()[1])

    def _bounds(self, row: np.ndarray, constant: float, columns: np.ndarray | None = None) -> tuple[float, float, list]:
        """Minimum and maximum of row . x + constant (over a relaxation when `columns` is given), and the points
        found."""
        c = row if columns is None else row[columns]
        points, found = [], []
        for sign in (1.0, -1.0):
            result = self._linprog(sign * c, columns=columns)
            if result.status == 0:
                found.append(sign * result.fun + constant)
                if columns is None:
                    points.append(result.x)
            elif result.status == 3:
                found.append(-sign * math.inf)
            else:
                found.append(-sign * math.inf)  # no answer: assume nothing
        return found[0], found[1], points

    def solve(
        self, objective: csr_matrix, constant: np.ndarray, kinds: list[str], stop_width: float | None
    ) -> list[tuple[float, float]] | None:
        """Interval of each objective row (plus its constant); None when the block has no solution.

        With `stop_width` (k - 1) a target is solved only as far as its verdict needs: it is safe
        once feasible points span k - 1 (or, a derived count, once it cannot be 1..k-1). Before the
        whole block, a target is tried on a relaxation around it (nearby relations only): an interval
        that is narrow on the relaxation is narrower still on the whole block."""
        t = objective.shape[0]
        seen_low = np.full(t, math.inf)
        seen_high = np.full(t, -math.inf)
        out: list[tuple[float, float] | None] = [None] * t
        if stop_width is not None:  # bound propagation decides most verdicts without a program
            low, high = propagate(self.a, self.low, self.high, self.lower, self.upper)
            if (low > high + 1e-6).any():
                return None
            positive, negative = objective.maximum(0), objective.minimum(0)
            with np.errstate(invalid="ignore"):
                outer_low = positive @ low + negative @ high + constant
                outer_high = positive @ high + negative @ low + constant
            outer_low, outer_high = np.nan_to_num(outer_low, nan=-math.inf), np.nan_to_num(outer_high, nan=math.inf)
            for i in range(t):
                lo, hi = whole_range(outer_low[i], outer_high[i])
                if kinds[i] == "cell" and _whole_width(outer_low[i], outer_high[i]) < stop_width:
                    out[i] = (float(outer_low[i]), float(outer_high[i]))  # narrow already: exposed
                elif kinds[i] == "derived" and (lo > stop_width or hi < 1):
                    out[i] = (float(outer_low[i]), float(outer_high[i]))  # cannot be a small count
            if all(o is not None for o in out):
                return out

        def see(x: np.ndarray) -> None:
            values = objective @ x + constant
            np.minimum(seen_low, values, out=seen_low)
            np.maximum(seen_high, values, out=seen_high)

        total = np.asarray(objective[[i for i in range(t) if out[i] is None]].sum(axis=0)).ravel()
        first = self._linprog(total)
        if first.status == 2:
            return None
        if first.status == 0:
            see(first.x)
        for c in (-total, *(_signs(total.size, seed) for seed in range(SEEDS))):
            result = self._linprog(c, capped=True)
            if result.status == 0:
                see(result.x)

        def settled(i: int) -> bool:
            return stop_width is not None and _whole_width(seen_low[i], seen_high[i]) >= stop_width

        def row(i: int) -> np.ndarray:
            return objective[i].toarray().ravel()

        self._spread(objective, [i for i in range(t) if out[i] is None], settled, see)
        if stop_width is not None and self.a.shape[1] > LOCAL_SIZE:
            for i in range(t):  # then on a relaxation around each target: cheaper than the whole block
                if out[i] is not None or settled(i):
                    continue
                low, high, _ = self._bounds(row(i), float(constant[i]), self._neighbourhood(objective[i].indices))
                if kinds[i] == "cell" and _whole_width(low, high) < stop_width:
                    out[i] = (low, high)  # exposed already on the relaxation: the whole block narrows it further
                elif kinds[i] == "derived" and (
                    whole_range(low, high)[0] > stop_width or whole_range(low, high)[1] < 1
                ):
                    out[i] = (low, high)  # cannot be a small count even on the relaxation
        for i in range(t):
            if out[i] is not None:
                continue
            if settled(i):
                out[i] = (float(seen_low[i]), float(seen_high[i]))
                continue
            out[i] = self._exact(
                row(i),
                float(constant[i]),
                kinds[i],
                stop_width,
                see,
                lambda i=i: (float(seen_low[i]), float(seen_high[i])),
            )
        return out


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


def propagate(
    a: csr_matrix,
    low: np.ndarray,
    high: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    rounds: int = PROPAGATION_ROUNDS,
) -> tuple[np.ndarray, np.ndarray]:
    """Outer bounds of every unknown by bound propagation (each relation tightens each of its unknowns
    from the others' bounds, repeated): cheap, and never narrower than the true interval."""
    lo, hi = lower.astype(float).copy(), upper.astype(float).copy()
    rows = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    cols, vals = a.indices, a.data
    for _ in range(rounds):
        # each term's smallest and largest value
        t_min = np.where(vals > 0, vals * lo[cols], vals * hi[cols])
        t_max = np.where(vals > 0, vals * hi[cols], vals * lo[cols])
        inf_min, inf_max = ~np.isfinite(t_min), ~np.isfinite(t_max)
        sum_min = np.bincount(rows, np.where(inf_min, 0.0, t_min), minlength=a.shape[0])
        sum_max = np.bincount(rows, np.where(inf_max, 0.0, t_max), minlength=a.shape[0])
        n_inf_min = np.bincount(rows, inf_min, minlength=a.shape[0])
        n_inf_max = np.bincount(rows, inf_max, minlength=a.shape[0])
        # the other terms' smallest and largest sum, for each term
        rest_min = np.where(
            inf_min,
            np.where(n_inf_min[rows] == 1, sum_min[rows], -np.inf),
            np.where(n_inf_min[rows] == 0, sum_min[rows] - np.where(inf_min, 0, t_min), -np.inf),
        )
        rest_max = np.where(
            inf_max,
            np.where(n_inf_max[rows] == 1, sum_max[rows], np.inf),
            np.where(n_inf_max[rows] == 0, sum_max[rows] - np.where(inf_max, 0, t_max), np.inf),
        )
        with np.errstate(invalid="ignore"):
            term_hi = high[rows] - rest_min  # a_j x_j <= high - (others' smallest)
            term_lo = low[rows] - rest_max  # a_j x_j >= low - (others' largest)
            new_hi = np.where(vals > 0, term_hi / vals, term_lo / vals)
            new_lo = np.where(vals > 0, term_lo / vals, term_hi / vals)
        new_hi = np.where(np.isnan(new_hi), np.inf, new_hi)
        new_lo = np.where(np.isnan(new_lo), -np.inf, new_lo)
        tighter_hi = np.full(hi.shape, np.inf)
        np.minimum.at(tighter_hi, cols, new_hi + PROPAGATION_SLACK)
        tighter_lo = np.full(lo.shape, -np.inf)
        np.maximum.at(tighter_lo, cols, new_lo - PROPAGATION_SLACK)
        next_hi, next_lo = np.minimum(hi, tighter_hi), np.maximum(lo, tighter_lo)
        if np.allclose(next_hi, hi, equal_nan=True) and np.allclose(next_lo, lo, equal_nan=True):
            break
        lo, hi = next_lo, next_hi
    return lo, hi
