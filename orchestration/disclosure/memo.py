"""Fingerprints that let a run reuse a suppression pattern or an audit verdict when nothing behind it changed.

Both are pure functions, and both of independent pieces: a year's pattern of that year's cells (and k), the
verdict of one independent part of the linear system a publication gives a reader (and k), each with the code of
orchestration/disclosure/. A run whose data did not change, or changed in one year only, would otherwise solve the
same linear programs again (on the demo: about 75 s of suppression and 30 s of audit). The key is a hash of every
input and of that code, never a time or a run id, so a changed cell, k or line of code misses.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from orchestration.disclosure.suppression import PM_DIMS, VDQ_DIMS
from orchestration.disclosure.system import LinearSystem
from orchestration.disclosure.workers import solve_each

KEPT_PARTS = 5_000  # fingerprints of passed parts remembered (the demo's system has 73 parts; a year adds a few)
# Small counts in the years to decide from which worker processes repay their start (workers.py; the measurements
# behind it: docs/benchmarks.md, notes).
YEARS_WORTH_WORKERS = 1_000


@functools.cache
def code_version() -> str:
    """A hash of the disclosure code: a change to the method or the audit invalidates every fingerprint."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def frames_fingerprint(frames: Sequence[tuple[pd.DataFrame, Sequence[str]]], k: int) -> str:
    """The cells the pattern is decided from (each frame sorted by its key columns: the order rows arrive in does
    not matter), k and the code."""
    digest = hashlib.sha256(f"{code_version()} k={k}".encode())
    for frame, keys in frames:
        ordered = frame.sort_values(list(keys), kind="stable").reset_index(drop=True)
        digest.update(json.dumps([[str(c), str(t)] for c, t in ordered.dtypes.items()]).encode())
        digest.update(pd.util.hash_pandas_object(ordered, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def decided_by_year(
    pm: pd.DataFrame,
    vdq: pd.DataFrame,
    k: int,
    decide: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame],
    previous: pd.DataFrame | None,
) -> pd.DataFrame:
    """The suppression pattern, decided one year at a time and kept for every year whose cells did not change.

    No relation of the grid crosses a year (months add up to their quarter and their year, never further:
    suppression.build_grid), so a year's pattern is a function of that year's cells alone and equals the part of
    the pattern decided over all years. `previous` is the last table (None before the first build); each of its
    rows carries the fingerprint of its year's cells, k and the code in `input_fingerprint`. A new month decides
    its own year again (and any year whose figures the new exports revised), not the years before it. The years to
    decide go to worker processes when their small counts reach YEARS_WORTH_WORKERS (workers.py)."""
    pm_year = pd.to_datetime(pm["month"]).dt.year
    vdq_year = pd.to_datetime(vdq["quarter"]).dt.year
    kept = (
        {fp: rows for fp, rows in previous.groupby("input_fingerprint", sort=False)}
        if previous is not None and "input_fingerprint" in previous
        else {}
    )
    years = sorted(set(pm_year) | set(vdq_year))
    if not years:
        return decide(pm, vdq).assign(input_fingerprint=pd.Series(dtype="string"))
    by_year, to_decide = {}, {}
    for year in years:
        cells = pm[pm_year == year], vdq[vdq_year == year]
        fingerprint = frames_fingerprint([(cells[0], PM_DIMS), (cells[1], VDQ_DIMS)], k)
        if fingerprint in kept:  # a year with nothing hidden has no rows: decided again, which costs nothing
            by_year[year] = kept[fingerprint]
        else:
            to_decide[year] = (cells, fingerprint)
    decided = solve_each(
        functools.partial(_decide_year, decide),
        list(to_decide.values()),
        work=[small_counts(cells, k) for cells, _ in to_decide.values()],
        worth=YEARS_WORTH_WORKERS,
    )
    by_year.update(zip(to_decide, decided))
    return pd.concat([by_year[year] for year in years], ignore_index=True)


def _decide_year(decide: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame], year: tuple) -> pd.DataFrame:
    (pm, vdq), fingerprint = year
    return decide(pm, vdq).assign(input_fingerprint=fingerprint)


def small_counts(frames: Sequence[pd.DataFrame], k: int) -> int:
    """The counts from 1 to k - 1 among the cells: the primary suppressions, which the work of a pattern follows."""
    total = 0
    for frame in frames:
        counts = frame.select_dtypes("integer")
        total += int(((counts >= 1) & (counts < k)).to_numpy().sum())
    return total


def system_fingerprint(system: LinearSystem, k: int) -> str | None:
    """Everything the audit's verdict depends on (bounds, relations, targets, k and the code), by the names of the
    unknowns, not their numbers: the order relations are built in may differ between runs (rows come back from
    DuckDB in any order) while the system is the same. None when two unknowns share a name (no fingerprint then:
    it could not tell them apart)."""
    names = system.names
    if len(set(names)) != len(names):
        return None

    def named(coeffs) -> list[tuple[str, float]]:
        return sorted((names[i], float(v)) for i, v in coeffs.items())

    digest = hashlib.sha256(f"{code_version()} k={k}".encode())
    digest.update(repr(sorted(zip(names, map(float, system.lower), map(float, system.upper)))).encode())
    digest.update(repr(sorted((named(c), float(lo), float(hi)) for c, lo, hi, _ in system.rows())).encode())
    digest.update(repr(sorted((t.kind, named(t.coeffs)) for t in system.targets)).encode())
    return digest.hexdigest()


def passed_parts(cache: Path) -> set[str]:
    """The fingerprints of independent parts of systems that passed an earlier audit."""
    try:
        return set(json.loads(cache.read_text()).get("passed", []))
    except (OSError, ValueError):
        return set()


def remember_passed(cache: Path, fingerprints: Sequence[str]) -> None:
    """Add the parts of a system that passed as a whole (written whole and swapped in, so a crash never leaves
    half a file). The parts of the last few passed systems are kept, so a run that goes back to an earlier state
    still reuses them."""
    try:
        kept = json.loads(cache.read_text()).get("passed", [])
    except (OSError, ValueError):
        kept = []
    new = set(fingerprints)
    kept = [f for f in kept if f not in new] + list(dict.fromkeys(fingerprints))
    kept = kept[-KEPT_PARTS:]
    tmp = cache.with_name(cache.name + ".tmp")
    tmp.write_text(json.dumps({"passed": kept}))
    os.replace(tmp, cache)
