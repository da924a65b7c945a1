"""Reusing a suppression pattern or an audit verdict (orchestration/disclosure/memo.py): only when nothing behind it
changed, never a failed verdict, and never for `ncii audit` itself."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from orchestration.disclosure.audit import audit_publication
from orchestration.disclosure.memo import frames_fingerprint, system_fingerprint
from orchestration.disclosure.relations import read_publication
from orchestration.disclosure.system import LinearSystem
from tests.test_disclosure_audit import base_tables, plant_complement, write_publication

KEYS = ["month", "source"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"month": ["2025-01", "2025-02", "2025-01"], "source": ["a", "a", "b"], "cases": [3, 7, 9]})


def test_the_cells_fingerprint_ignores_row_order_and_sees_any_change() -> None:
    frame = _frame()
    base = frames_fingerprint([(frame, KEYS)], 5)
    assert frames_fingerprint([(frame.iloc[::-1], KEYS)], 5) == base
    assert frames_fingerprint([(frame, KEYS)], 4) != base  # another k
    changed = frame.copy()
    changed.loc[1, "cases"] = 8
    assert frames_fingerprint([(changed, KEYS)], 5) != base
    assert frames_fingerprint([(frame.iloc[:2], KEYS)], 5) != base  # a row fewer


def _system(order: list[int], bound: float = 10.0) -> LinearSystem:
    system = LinearSystem()
    names = ["total", "a", "b"]
    index = {name: system.variable(name) for name in (names[i] for i in order)}
    system.relate({index["total"]: 1.0, index["a"]: -1.0, index["b"]: -1.0}, 0.0, 0.0, "total = a + b")
    system.relate({index["a"]: 1.0}, 0.0, bound, "a is bounded")
    system.target("b", {index["b"]: 1.0}, kind="cell")
    return system


def test_the_system_fingerprint_is_by_name_not_by_number() -> None:
    assert system_fingerprint(_system([0, 1, 2]), 5) == system_fingerprint(_system([2, 0, 1]), 5)
    assert system_fingerprint(_system([0, 1, 2], bound=11.0), 5) != system_fingerprint(_system([0, 1, 2]), 5)
    twice = _system([0, 1, 2])
    twice.variable("a")  # two unknowns one name: no fingerprint rather than a wrong one
    assert system_fingerprint(twice, 5) is None


def test_the_gate_reuses_a_passed_verdict_only_for_the_same_publication(tmp_path: Path) -> None:
    verdicts = tmp_path / "audit_verdicts.json"
    safe = write_publication(tmp_path / "safe.duckdb", base_tables())
    first = audit_publication(safe, 5, verdicts)
    second = audit_publication(safe, 5, verdicts)
    assert first.passed and not first.reused
    assert second.passed and second.reused and second.audited == first.audited
    assert "the same relations as a publication that passed" in second.summary()
    assert not audit_publication(safe, 5).reused  # `ncii audit`: always solved

    tables = base_tables()
    plant_complement(tables)
    exposing = write_publication(tmp_path / "exposing.duckdb", tables)
    for _ in range(2):  # a failed verdict is never remembered: solved, and refused, every time
        result = audit_publication(exposing, 5, verdicts)
        assert not result.passed and not result.reused


def test_the_system_of_a_publication_has_one_name_per_unknown(tmp_path: Path) -> None:
    """Else the gate's fingerprint is None and every run solves the programs again."""
    db = write_publication(tmp_path / "safe.duckdb", base_tables())
    conn = duckdb.connect(str(db), read_only=True)
    try:
        system = read_publication(conn, 5).system
    finally:
        conn.close()
    assert system_fingerprint(system, 5) is not None
