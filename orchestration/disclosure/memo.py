"""Fingerprints that let a run reuse a suppression pattern or an audit verdict when nothing behind it changed.

Both are pure functions: the pattern of the cells (and k), the verdict of the linear system a publication gives a
reader (and k), each with the code of orchestration/disclosure/. A run whose data did not change would otherwise
solve the same linear programs again (on the demo: about 75 s of suppression and 30 s of audit). The key is a
hash of every input and of that code, never a time or a run id, so a changed cell, k or line of code misses.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from orchestration.disclosure.system import LinearSystem

KEPT_VERDICTS = 5  # passed audits remembered (a few, so a run that goes back to an earlier state still hits)


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


def passed_before(cache: Path, fingerprint: str) -> bool:
    try:
        return fingerprint in json.loads(cache.read_text()).get("passed", [])
    except (OSError, ValueError):
        return False


def remember_passed(cache: Path, fingerprint: str) -> None:
    """Add a passed verdict (written whole and swapped in, so a crash never leaves half a file)."""
    try:
        kept = json.loads(cache.read_text()).get("passed", [])
    except (OSError, ValueError):
        kept = []
    kept = [f for f in kept if f != fingerprint][-(KEPT_VERDICTS - 1) :] + [fingerprint]
    tmp = cache.with_name(cache.name + ".tmp")
    tmp.write_text(json.dumps({"passed": kept}))
    os.replace(tmp, cache)
