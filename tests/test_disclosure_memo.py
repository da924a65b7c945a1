"""Reusing a suppression pattern or an audit verdict (orchestration/disclosure/memo.py): only for the years (the
independent parts of the audit's system) whose inputs did not change, never a failed verdict, and never for
`ncii audit` itself."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.disclosure import memo
from orchestration.disclosure.audit import audit_publication
from orchestration.disclosure.memo import decided_by_year, frames_fingerprint, system_fingerprint
from orchestration.disclosure.protection import protect
from orchestration.disclosure.relations import read_publication
from orchestration.disclosure.suppression import build_grid, suppressed_cells
from orchestration.disclosure.system import LinearSystem
from tests.test_disclosure_audit import base_tables, plant_complement, write_publication
from tests.test_protection import K, _grid_frames

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
    assert first.passed and not first.reused and first.parts > 1
    assert second.passed and second.reused == second.parts == first.parts and second.audited == first.audited
    assert f"{second.parts} of its {second.parts} independent parts unchanged" in second.summary()
    assert not audit_publication(safe, 5).reused  # `ncii audit`: always solved

    tables = base_tables()
    plant_complement(tables)
    exposing = write_publication(tmp_path / "exposing.duckdb", tables)
    for _ in range(2):  # a failed verdict is never remembered: solved, and refused, every time
        result = audit_publication(exposing, 5, verdicts)
        assert not result.passed and result.reused < result.parts
        assert result.lines() == audit_publication(exposing, 5).lines()


def test_the_system_of_a_publication_has_one_name_per_unknown(tmp_path: Path) -> None:
    """Else the gate's fingerprint is None and every run solves the programs again."""
    db = write_publication(tmp_path / "safe.duckdb", base_tables())
    conn = duckdb.connect(str(db), read_only=True)
    try:
        system = read_publication(conn, 5).system
    finally:
        conn.close()
    assert system_fingerprint(system, 5) is not None


def _revised_survey(tables: dict[str, pd.DataFrame]) -> None:
    """Ten more respondents, all women: the survey's relations change, the helpline marts' do not."""
    survey = tables["survey_prevalence"]
    survey.loc[survey["group_value"].isin(["total", "female"]), "n_base"] += 10


def test_a_changed_part_alone_is_solved_again(tmp_path: Path) -> None:
    """A new month changes the relations of its own year; the parts of the system it does not touch keep their
    verdict. Here the survey is revised and every helpline part is reused."""
    verdicts = tmp_path / "audit_verdicts.json"
    before = audit_publication(write_publication(tmp_path / "before.duckdb", base_tables()), 5, verdicts)
    tables = base_tables()
    _revised_survey(tables)
    revised = write_publication(tmp_path / "revised.duckdb", tables)
    after = audit_publication(revised, 5, verdicts)
    assert before.passed and after.passed
    assert after.parts == before.parts and after.reused == after.parts - 1
    again = audit_publication(revised, 5, verdicts)
    assert again.reused == again.parts  # the revised part is remembered once it passed


def test_the_parts_of_a_system_give_the_intervals_of_the_whole(tmp_path: Path) -> None:
    tables = base_tables()
    plant_complement(tables)  # one exposed count, so the parts must find it too
    conn = duckdb.connect(str(write_publication(tmp_path / "p.duckdb", tables)), read_only=True)
    try:
        system = read_publication(conn, 5).system
    finally:
        conn.close()
    parts = system.parts()
    assert len(parts) > 2
    assert sum(p.relation_count for p in parts) == system.relation_count
    assert sum(len(p.targets) for p in parts) == len(system.targets)
    whole, problems = system.intervals()
    assert problems == []
    by_parts = {
        (i.label, i.kind, b): v for part in parts for i in part.intervals()[0] for b, v in ((0, i.low), (1, i.high))
    }
    assert by_parts == pytest.approx({(i.label, i.kind, b): v for i in whole for b, v in ((0, i.low), (1, i.high))})
    assert any(by_parts[(*key[:2], 1)] - low < 4 for key, low in by_parts.items() if key[2] == 0)  # the planted one


def _two_years() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The random draw of test_protection in 2025, and the same draw a year earlier with other counts."""
    pm, vdq = _grid_frames()

    def earlier(frame: pd.DataFrame, period: str) -> pd.DataFrame:
        shifted = frame.assign(**{period: (pd.to_datetime(frame[period]) - pd.DateOffset(years=1)).dt.date})
        counts = shifted.select_dtypes("number").columns
        shifted[counts] = shifted[counts] * 2  # every complement doubles too: the chains still hold
        return shifted

    return pd.concat([earlier(pm, "month"), pm], ignore_index=True), pd.concat(
        [earlier(vdq, "quarter"), vdq], ignore_index=True
    )


def _year(cell_key: tuple) -> int:
    table, _, period, *_ = cell_key
    return period if table == "pevr" else period.year


def test_no_relation_of_the_grid_crosses_a_year() -> None:
    """What deciding the pattern one year at a time rests on."""
    grid = build_grid(*_two_years(), K)
    assert {_year(key) for key in grid.keys} == {2024, 2025}
    for total, members in grid.relations:
        assert len({_year(grid.keys[c]) for c in [total, *members]}) == 1, grid.keys[total]


def _counting(calls: list[set[int]]):
    def decide(pm: pd.DataFrame, vdq: pd.DataFrame) -> pd.DataFrame:
        calls.append(set(pd.to_datetime(pm["month"]).dt.year))
        return suppressed_cells(pm, vdq, K, method=protect)

    return decide


def test_the_pattern_is_decided_by_year_and_kept_for_the_years_that_did_not_change(monkeypatch) -> None:
    monkeypatch.setattr(memo, "YEARS_WORTH_WORKERS", math.inf)  # the calls are counted in this process
    pm, vdq = _two_years()
    calls: list[set[int]] = []
    first = decided_by_year(pm, vdq, K, _counting(calls), previous=None)
    assert calls == [{2024}, {2025}]
    pattern = first.drop(columns="input_fingerprint")
    whole = suppressed_cells(pm, vdq, K, method=protect)
    assert len(pattern) > 100 and set(pattern["period"].str[:4]) == {"2024", "2025"}
    assert set(map(tuple, pattern.astype(str).values)) == set(map(tuple, whole.astype(str).values))

    again = decided_by_year(pm.iloc[::-1], vdq, K, _counting(calls), previous=first)  # nothing new
    assert calls == [{2024}, {2025}]
    pd.testing.assert_frame_equal(again.sort_values(list(again.columns)), first.sort_values(list(first.columns)))

    revised = [frame.copy() for frame in (pm, vdq)]  # 2025 revised by later exports (tripled: the relations hold)
    for frame, period in zip(revised, ("month", "quarter")):
        in_2025, counts = pd.to_datetime(frame[period]).dt.year == 2025, frame.select_dtypes("number").columns
        frame.loc[in_2025, counts] = frame.loc[in_2025, counts] * 3
    third = decided_by_year(*revised, K, _counting(calls), previous=again)
    assert calls == [{2024}, {2025}, {2025}]
    assert set(third["input_fingerprint"]) - set(first["input_fingerprint"])  # 2025's rows: a new fingerprint
    kept = first[first["period"].str.startswith("2024")]
    assert kept["input_fingerprint"].nunique() == 1
    assert third[third["period"].str.startswith("2024")].equals(kept.reset_index(drop=True))
