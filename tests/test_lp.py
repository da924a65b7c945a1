"""The audit's linear programs kept in HiGHS: one model, many objectives, and the three outcomes told apart."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from orchestration.disclosure.lp import INFEASIBLE, OPTIMAL, UNBOUNDED, LinearProgram


def test_one_model_answers_many_objectives_like_a_fresh_solve_each_time() -> None:
    """A total of 10 split over three cells, the first at most 4, the second at least 2: each cell's minimum
    and maximum, asked one after another of the same model, equal scipy's fresh solves."""
    a = csr_matrix(np.array([[1.0, 1.0, 1.0]]))
    program = LinearProgram(
        a, np.array([10.0]), np.array([10.0]), np.array([0.0, 2.0, 0.0]), np.array([4.0, math.inf, math.inf])
    )
    for cell in range(3):
        for sign in (1.0, -1.0):
            c = np.zeros(3)
            c[cell] = sign
            kept = program.minimise(c)
            fresh = linprog(c, A_eq=a.toarray(), b_eq=[10.0], bounds=[(0, 4), (2, None), (0, None)], method="highs")
            assert kept.status == OPTIMAL and kept.fun == pytest.approx(fresh.fun)
            assert a @ kept.x == pytest.approx([10.0])


def test_infeasible_and_unbounded_are_told_apart() -> None:
    contradiction = LinearProgram(
        csr_matrix(np.array([[1.0, 1.0]])),
        np.array([5.0]),
        np.array([5.0]),
        np.array([3.0, 3.0]),
        np.array([math.inf, math.inf]),
    )
    assert contradiction.minimise(np.array([1.0, 0.0])).status == INFEASIBLE
    open_ended = LinearProgram(
        csr_matrix(np.array([[1.0, -1.0]])),
        np.array([0.0]),
        np.array([0.0]),
        np.zeros(2),
        np.array([math.inf, math.inf]),
    )
    assert open_ended.minimise(np.array([-1.0, 0.0])).status == UNBOUNDED
    assert open_ended.minimise(np.array([1.0, 0.0])).fun == pytest.approx(0.0)  # the same model answers again
