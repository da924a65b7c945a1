"""A run killed at the worst moments leaves the warehouse usable and the publication intact,
and the next run completes without manual repair.

The pipeline runs in a child process that SIGKILLs itself at a chosen point: inside a file's
load transaction just before it commits, and just before the new published file replaces
the old one.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration.runner import run_main_job
from tests.conftest import TEST_KEY, fixture_landing, make_settings

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    point = sys.argv[1]
    if point == "load":
        import orchestration.ingestion.ledger as ledger
        real_record = ledger._record
        def record_then_die(conn, load_id, landed, sha, outcome):
            real_record(conn, load_id, landed, sha, outcome)
            if landed.source == "igvm" and outcome.status == "loaded":
                os.kill(os.getpid(), signal.SIGKILL)  # rows and ledger row written, not committed
        ledger._record = record_then_die
    elif point == "publish":
        real_replace = os.replace
        def die_before_swap(src, dst):
            if str(dst).endswith("published.duckdb"):
                os.kill(os.getpid(), signal.SIGKILL)  # new file built, not yet swapped in
            real_replace(src, dst)
        os.replace = die_before_swap
    from orchestration.runner import run_main_job
    from orchestration.settings import Settings
    run_main_job(Settings.from_env())
    """
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_and_kill(settings, point: str, tmp_path: Path) -> int:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "NCII_LANDING_DIR": str(settings.landing_dir),
        "NCII_WAREHOUSE_DIR": str(settings.warehouse_dir),
        "NCII_PSEUDONYM_KEY": TEST_KEY,
        "NCII_SUPPRESSION_K": str(settings.suppression_k),
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    return subprocess.run([sys.executable, str(script), point], env=env, capture_output=True, timeout=300).returncode


@pytest.fixture()
def published_once(tmp_path: Path):
    landing = fixture_landing(tmp_path / "landing", ["childfocus_cases_20260201.csv", "takedown_requests_20260301.csv"])
    settings = make_settings(landing, tmp_path / "warehouse", k=2)
    assert run_main_job(settings).success
    # new exports land: the next run has something to load and publish
    fixture_landing(landing, ["childfocus_cases_20260301.csv", "igvm_reports_20260301.jsonl"])
    return settings


def assert_recovers(settings) -> None:
    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason
    conn = duckdb.connect(str(settings.warehouse_db), read_only=True)
    ledger = conn.execute("SELECT file_name, rows_read, rows_loaded, rows_quarantined FROM raw.load_ledger").fetchall()
    igvm_rows = conn.execute("SELECT count(*) FROM raw.igvm_reports").fetchone()[0]
    conn.close()
    assert len(ledger) == 4 and all(read == loaded + quarantined for _, read, loaded, quarantined in ledger)
    assert igvm_rows == 2  # loaded exactly once, whatever the crash left behind
    assert not list(settings.warehouse_dir.glob(".published-*"))
    published = duckdb.connect(str(settings.published_db), read_only=True)
    assert published.execute("SELECT count(*) FROM platform_monthly WHERE source = 'igvm'").fetchone()[0] > 0
    published.close()


def test_killed_mid_load(published_once, tmp_path: Path) -> None:
    settings = published_once
    before = digest(settings.published_db)
    assert run_and_kill(settings, "load", tmp_path) == -signal.SIGKILL
    assert digest(settings.published_db) == before
    conn = duckdb.connect(str(settings.warehouse_db), read_only=True)  # usable, nothing half-loaded
    assert conn.execute("SELECT count(*) FROM raw.load_ledger WHERE source = 'igvm'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM raw.igvm_reports").fetchone() == (0,)
    conn.close()
    assert_recovers(settings)


def test_killed_mid_publish(published_once, tmp_path: Path) -> None:
    settings = published_once
    before = digest(settings.published_db)
    parquet_before = settings.published_dir.resolve()
    current_before = (settings.published_dir / "CURRENT").read_text()
    files_before = {p.name: digest(p) for p in settings.published_dir.glob("*.parquet")}
    assert run_and_kill(settings, "publish", tmp_path) == -signal.SIGKILL
    assert digest(settings.published_db) == before
    assert settings.published_dir.resolve() == parquet_before
    assert (settings.published_dir / "CURRENT").read_text() == current_before
    assert {p.name: digest(p) for p in settings.published_dir.glob("*.parquet")} == files_before
    assert list(settings.warehouse_dir.glob(".published-*.duckdb")), "the half-built file the crash left behind"
    assert_recovers(settings)
