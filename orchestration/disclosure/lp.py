"""Linear programs kept in HiGHS between solves, for the audit's thousands of minima and maxima.

The audit solves many programs over the same relations that differ only in their objective (the
minimum, then the maximum, of one count after another). scipy's `linprog` builds and presolves
each from scratch. A model kept in HiGHS (highspy) starts each solve from the last optimal basis,
which stays feasible when only the costs change, so primal simplex goes on from there instead of
starting over (measured in docs/benchmarks.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import csr_matrix

OPTIMAL, INFEASIBLE, UNBOUNDED, OTHER = 0, 2, 3, 4  # scipy linprog's status codes, which the callers know
PRIMAL_SIMPLEX = 4  # HiGHS's simplex_strategy for primal: the previous basis stays primal feasible


@dataclass(frozen=True)
class Solution:
    status: int
    fun: float | None = None  # the minimum, when optimal
    x: np.ndarray | None = None  # a minimiser, when optimal


_STATUS = {
    highspy.HighsModelStatus.kOptimal: OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: UNBOUNDED,
}


def _finite(values: np.ndarray) -> np.ndarray:
    """HiGHS's infinity for an infinite bound."""
    values = np.asarray(values, dtype=float)
    return np.clip(values, -highspy.kHighsInf, highspy.kHighsInf)


_banner_hidden = False


def _silent_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing. highspy's constructor prints a licence banner to the C
    standard output once per process, before any option can be set (ERGO-Code/HiGHS#2749), so the
    process's first construction runs with that descriptor pointed at /dev/null."""
    global _banner_hidden
    if _banner_hidden:
        highs = highspy.Highs()
    else:
        stdout = os.dup(1)
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(stdout, 1)
            os.close(stdout)
        _banner_hidden = True
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
    return highs


class LinearProgram:
    """`low <= a x <= high`, `lower <= x <= upper`: minimise any `c . x` over it, one objective after another."""

    def __init__(self, a: csr_matrix, low: np.ndarray, high: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        self.highs = _silent_highs()
        self.columns = a.shape[1]
        self.highs.addVars(self.columns, _finite(lower), _finite(upper))
        a = csr_matrix(a)
        if a.shape[0]:
            self.highs.addRows(
                a.shape[0],
                _finite(low),
                _finite(high),
                a.nnz,
                a.indptr[:-1].astype(np.int32),
                a.indices.astype(np.int32),
                a.data.astype(float),
            )
        self._all = np.arange(self.columns, dtype=np.int32)

    def _run(self, c: np.ndarray) -> highspy.HighsModelStatus:
        self.highs.changeColsCost(self.columns, self._all, c)
        self.highs.run()
        return self.highs.getModelStatus()

    def minimise(self, c: np.ndarray) -> Solution:
        status = self._run(np.asarray(c, dtype=float))
        if status == highspy.HighsModelStatus.kUnboundedOrInfeasible:  # presolve may not tell which: ask feasibility
            status = (
                highspy.HighsModelStatus.kUnbounded
                if self._run(np.zeros(self.columns)) == highspy.HighsModelStatus.kOptimal
                else highspy.HighsModelStatus.kInfeasible
            )
        status = _STATUS.get(status, OTHER)
        if status != OPTIMAL:
            return Solution(status)
        return Solution(
            OPTIMAL, self.highs.getInfo().objective_function_value, np.asarray(self.highs.getSolution().col_value)
        )
