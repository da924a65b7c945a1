"""`ncii audit`: can any suppressed count be worked out from what a publication shows?

Written apart from the suppression models on purpose: it reads only the published file, as an
analyst would, and checks the contract's test. For every suppressed count, every complement
(`cases - ai_generated_cases`, requests not removed, requests pending) and every count a reader
can form but no table publishes, the feasible interval over all relations is computed
(relations.py builds them, system.py solves them). A suppressed cell is exposed when its
interval is narrower than k values (upper minus lower bound below k - 1); a derived count is
exposed when its interval is that narrow and holds a value from 1 to k - 1. The gate runs this
on the candidate publication before it replaces the live one.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration import database
from orchestration.disclosure.memo import passed_parts, remember_passed, system_fingerprint
from orchestration.disclosure.relations import read_publication
from orchestration.disclosure.system import Interval, LinearSystem, whole_range, whole_width
from orchestration.disclosure.workers import solve_each

# Counts to audit (in parts not passed before) from which worker processes repay their start (workers.py; the
# measurements behind it: docs/benchmarks.md, notes).
TARGETS_WORTH_WORKERS = 4_000
REFUSAL = "disclosure audit failed"  # how the gate's one-line refusal starts: the failure alert tells it by this


class DisclosureError(RuntimeError):
    """The candidate publication lets a reader work out a suppressed count; it is not published."""

    def __init__(self, message: str, result: AuditResult) -> None:
        super().__init__(message)
        self.result = result  # every exposed count, for the run log (the candidate itself is deleted)


@dataclass(frozen=True)
class AuditResult:
    k: int
    exposed: list[Interval]
    problems: list[str]  # relations that contradict each other: the audit cannot vouch for the publication
    audited: int
    relations: int
    seconds: float
    reused: int = 0  # independent parts that passed an earlier run's audit unchanged (memo.py): not solved again
    parts: int = 0  # independent parts of the system (blocks of unknowns)

    @property
    def passed(self) -> bool:
        return not self.exposed and not self.problems

    def lines(self) -> list[str]:
        """One line per exposed count (mart, key, measure and the range a reader can work out)."""
        out = [f"exposed: {e.label}: {_range(e)}" for e in self.exposed]
        out += [f"not auditable: {p}" for p in self.problems]
        return out

    def summary(self) -> str:
        verdict = (
            "no suppressed count is recoverable"
            if self.passed
            else (
                f"{len(self.exposed)} counts exposed"
                + (f", {len(self.problems)} contradictions" if self.problems else "")
            )
        )
        return (
            f"disclosure audit (k={self.k}): {self.audited} suppressed or derived counts over "
            f"{self.relations} relations: {verdict}"
            + (
                f" ({self.reused} of its {self.parts} independent parts unchanged since a passed audit, not solved"
                " again)"
                if self.reused
                else ""
            )
        )


def _range(interval: Interval) -> str:
    low, high = whole_range(interval.low, interval.high)
    if low == high:
        return f"exactly {int(low)}"
    return f"{int(low)} to {'unbounded' if math.isinf(high) else int(high)}"


def is_exposed(interval: Interval, k: int) -> bool:
    """The contract's test: fewer than k values remain possible (and, for a derived count, a small one)."""
    low, high = whole_range(interval.low, interval.high)
    if whole_width(interval.low, interval.high) >= k - 1:
        return False
    if interval.kind == "cell":
        return True
    return high >= 1 and low <= k - 1


def audit_connection(conn: duckdb.DuckDBPyConnection, k: int, verdicts: Path | None = None) -> AuditResult:
    """The contract's test on an open publication. `verdicts`: a file of the independent parts of systems that
    passed before (the gate's, memo.py); an identical part passes again without its programs being solved (a new
    month changes the blocks of its own year only). `ncii audit` never uses it. The parts to solve go to worker
    processes when their counts reach TARGETS_WORTH_WORKERS (workers.py)."""
    started = time.perf_counter()
    system = read_publication(conn, k).system
    parts = system.parts()
    fingerprints = [system_fingerprint(part, k) for part in parts] if verdicts is not None else [None] * len(parts)
    known = passed_parts(verdicts) if verdicts is not None else set()
    unsolved = [part for part, mark in zip(parts, fingerprints) if mark is None or mark not in known]
    exposed: list[Interval] = []
    problems: list[str] = []
    solved = solve_each(
        functools.partial(_solve_part, k=k),
        unsolved,
        work=[len(part.targets) for part in unsolved],
        worth=TARGETS_WORTH_WORKERS,
    )
    for found, contradictions in solved:
        exposed += found
        problems += contradictions
    result = AuditResult(
        k,
        exposed,
        problems,
        len(system.targets),
        system.relation_count,
        time.perf_counter() - started,
        reused=len(parts) - len(unsolved),
        parts=len(parts),
    )
    if verdicts is not None and result.passed:
        remember_passed(verdicts, [f for f in fingerprints if f is not None])
    return result


def _solve_part(part: LinearSystem, k: int) -> tuple[list[Interval], list[str]]:
    """The exposed counts of one independent part, and its contradictions."""
    intervals, contradictions = part.intervals(stop_width=k - 1)
    return [i for i in intervals if is_exposed(i, k)], contradictions


def audit_publication(published_db: Path, k: int, verdicts: Path | None = None) -> AuditResult:
    """Audit a published file, opened read-only (readers keep reading while it runs)."""
    if not published_db.exists():
        raise FileNotFoundError(f"nothing published yet at {published_db}: run `ncii run` first")
    conn = database.connect(published_db, read_only=True)
    try:
        return audit_connection(conn, k, verdicts)
    finally:
        conn.close()


def require_safe(candidate_db: Path, k: int, verdicts: Path | None = None) -> AuditResult:
    """The gate: raise with one line when the candidate publication exposes a suppressed count."""
    result = audit_publication(candidate_db, k, verdicts)
    if not result.passed:
        counts = f"{len(result.exposed)} counts exposed, {len(result.problems)} contradictions"
        raise DisclosureError(f"{REFUSAL} ({counts}; the run log lists them): {result.lines()[0]}", result)
    return result
