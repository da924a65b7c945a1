"""Years of the pattern and parts of the audit solved by worker processes give what solving them here gives."""

from __future__ import annotations

import functools
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from orchestration.disclosure import audit, memo, workers
from orchestration.disclosure.protection import protect
from orchestration.disclosure.suppression import suppressed_cells
from tests.test_disclosure_audit import base_tables, plant_complement, write_publication
from tests.test_disclosure_memo import _two_years
from tests.test_protection import K

needs_two_cores = pytest.mark.skipif(workers.workers() < 2, reason="one core: every piece is solved in this process")


def _square_in(value: int) -> tuple[int, int]:
    return value * value, os.getpid()


@needs_two_cores
def test_pieces_go_to_workers_only_when_their_work_is_worth_it() -> None:
    pieces = [3, 1, 4, 1, 5]
    here = workers.solve_each(_square_in, pieces, work=[1] * 5, worth=6)
    assert [square for square, _ in here] == [9, 1, 16, 1, 25]
    assert {pid for _, pid in here} == {os.getpid()}

    spread = workers.solve_each(_square_in, pieces, work=pieces, worth=6)  # in order, whatever finished first
    assert [square for square, _ in spread] == [9, 1, 16, 1, 25]
    assert os.getpid() not in {pid for _, pid in spread}


@needs_two_cores
def test_where_no_worker_can_start_the_pieces_are_solved_here(monkeypatch) -> None:
    def no_processes(*args, **kwargs):
        raise OSError(38, "Function not implemented")  # what a container without /dev/shm gives for a semaphore

    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_processes)
    solved = workers.solve_each(_square_in, [3, 1, 4], work=[3, 1, 4], worth=1)
    assert solved == [(9, os.getpid()), (1, os.getpid()), (16, os.getpid())]


@needs_two_cores
def test_the_years_decided_by_workers_are_the_years_decided_here(monkeypatch) -> None:
    pm, vdq = _two_years()
    decide = functools.partial(suppressed_cells, k=K, method=protect)
    monkeypatch.setattr(memo, "YEARS_WORTH_WORKERS", math.inf)
    here = memo.decided_by_year(pm, vdq, K, decide, previous=None)
    monkeypatch.setattr(memo, "YEARS_WORTH_WORKERS", 0)
    spread = memo.decided_by_year(pm, vdq, K, decide, previous=None)
    assert len(here) > 100
    pd.testing.assert_frame_equal(spread, here)


@needs_two_cores
def test_the_audit_by_workers_finds_what_it_finds_here(tmp_path: Path, monkeypatch) -> None:
    tables = base_tables()
    plant_complement(tables)  # one exposed count among the parts
    published = write_publication(tmp_path / "p.duckdb", tables)
    monkeypatch.setattr(audit, "TARGETS_WORTH_WORKERS", math.inf)
    here = audit.audit_publication(published, 5)
    monkeypatch.setattr(audit, "TARGETS_WORTH_WORKERS", 0)
    spread = audit.audit_publication(published, 5)
    assert not here.passed and here.parts > 2
    assert spread.lines() == here.lines()
    assert spread.exposed == here.exposed
