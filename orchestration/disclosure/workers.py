"""Independent linear programs on more than one core: the years of the suppression pattern, the parts of the audit.

HiGHS solves one program on one core, and the pieces share nothing (no relation of the grid crosses a year; the
parts of a publication's system share no unknown), so a piece is solved the same wherever it runs. Worker
processes are spawned, never forked: the dbt process and the pipeline's process that call this hold DuckDB's
threads, and a forked child can inherit a lock one of them held. A spawned worker must import numpy, pandas and
scipy before it solves anything, so pieces go to workers only when there are at least two and their work, in the
caller's unit, reaches `worth`; otherwise they are solved here, one after the other, as they are where no worker
can be started.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Piece = TypeVar("Piece")
Solved = TypeVar("Solved")

# Each worker holds its piece's programs beside the caller: two keep a run within its 4 GiB, and the machines this
# runs on have two cores.
MAX_WORKERS = 2


def workers() -> int:
    """The worker processes to use: one per core this process may run on, at most MAX_WORKERS."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MAX_WORKERS, cores))


def solve_each(
    solve: Callable[[Piece], Solved], pieces: Sequence[Piece], work: Sequence[float], worth: float
) -> list[Solved]:
    """`solve` of every piece, in the pieces' order. `work` estimates each piece's cost: the largest pieces are
    handed out first, so the workers finish close together. `solve` and the pieces must pickle (module-level
    functions, `functools.partial` of them, dataclasses)."""
    count = min(workers(), len(pieces))
    if count < 2 or sum(work) < worth:
        return [solve(piece) for piece in pieces]
    largest_first = sorted(range(len(pieces)), key=lambda i: -work[i])
    try:
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {i: pool.submit(solve, pieces[i]) for i in largest_first}
            return [futures[i].result() for i in range(len(pieces))]
    except (OSError, NotImplementedError):  # no processes or semaphores here (a locked-down container): slower, same
        return [solve(piece) for piece in pieces]
