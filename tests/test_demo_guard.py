"""`ncii demo` never writes into a landing folder or a warehouse that holds anything it did not write itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from orchestration import cli
from orchestration.sample_data.demo_guard import DEMO_MARKER
from tests.conftest import FIXTURE_LANDING, fixture_landing

REAL_EXPORT = "childfocus_cases_20260301.csv"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path):
    """`ncii demo` on folders under tmp_path, with the pipeline run itself left out (it has its own tests)."""
    runs: list[Path] = []

    def cmd_run(args, settings) -> int:
        settings.require_key()  # the run gets the settings `ncii demo` was given, with the demo key it wrote
        runs.append(Path(args.command))
        return 0

    monkeypatch.setattr(cli, "cmd_run", cmd_run)
    monkeypatch.delenv("NCII_PSEUDONYM_KEY", raising=False)

    def run(landing: Path, warehouse: Path) -> tuple[int, list[str], int]:
        monkeypatch.setenv("NCII_LANDING_DIR", str(landing))
        monkeypatch.setenv("NCII_WAREHOUSE_DIR", str(warehouse))
        before = len(runs)
        code = cli.main(["demo"])
        return code, capsys.readouterr().err.strip().splitlines(), len(runs) - before

    return run


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_demo_refuses_a_landing_folder_with_real_exports(demo, tmp_path: Path) -> None:
    landing = fixture_landing(tmp_path / "landing", [REAL_EXPORT])
    before = digests(landing)
    code, err, runs = demo(landing, tmp_path / "warehouse")
    assert code == 2 and runs == 0
    assert len(err) == 1 and str(landing) in err[0] and "NCII_LANDING_DIR" in err[0], err
    assert digests(landing) == before  # not one file touched or added
    assert not (tmp_path / "warehouse").exists()


def test_demo_refuses_a_warehouse_it_did_not_make(demo, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    (warehouse / "warehouse.duckdb").write_bytes(b"a real warehouse")
    code, err, runs = demo(tmp_path / "landing", warehouse)
    assert code == 2 and runs == 0
    assert len(err) == 1 and "NCII_WAREHOUSE_DIR" in err[0], err
    assert not (tmp_path / "landing").exists()
    assert sorted(p.name for p in warehouse.iterdir()) == ["warehouse.duckdb"]


def test_demo_reruns_in_its_own_folders_but_not_once_a_real_export_lands_there(demo, tmp_path: Path) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    assert demo(landing, warehouse)[::2] == (0, 1)
    assert (landing / DEMO_MARKER).is_file() and (warehouse / DEMO_MARKER).is_file()
    (warehouse / "warehouse.duckdb").write_bytes(b"what the demo's run wrote")
    landed = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in landing.iterdir() if p.name != DEMO_MARKER}
    assert any(name.endswith(".sav") for name in landed)
    assert demo(landing, warehouse)[::2] == (0, 1)  # the demo's own folders: fine
    # and no landed file is written again (a rewritten .sav is a changed file, which ingestion rejects)
    assert {
        p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in landing.iterdir() if p.name != DEMO_MARKER
    } == landed
    real = FIXTURE_LANDING / "igvm_reports_20260301.jsonl"
    (landing / "igvm_reports_20190301.jsonl").write_bytes(real.read_bytes())  # a real export the demo did not write
    code, err, runs = demo(landing, warehouse)
    assert code == 2 and runs == 0 and len(err) == 1, err
