"""Runs that must not start: another pseudonym key, a short key, settings out of range.

Each is refused with exit 2 and one line, before any work, and leaves the publication byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration import cli
from orchestration.key_fingerprint import check_pseudonym_key, key_fingerprint
from orchestration.settings import Settings, SettingsError, create_demo_key
from tests.conftest import FIXTURE_LANDING, TEST_KEY, fixture_landing, make_settings

OTHER_KEY = "another-pseudonym-key-also-at-least-32-chars"


NCII = Path(sys.executable).with_name("ncii")  # the installed command (the Quickstart puts it on PATH)


@dataclass(frozen=True)
class TimedRun:
    settings: Settings
    lines: list[tuple[float, str]]  # (seconds since start, line) of everything `ncii run` printed


@pytest.fixture(scope="module")
def timed_run(tmp_path_factory: pytest.TempPathFactory) -> TimedRun:
    """`ncii run`, as a person types it in another folder, on the hand-written fixture exports."""
    root = tmp_path_factory.mktemp("guards")
    landing = fixture_landing(root / "landing", sorted(p.name for p in FIXTURE_LANDING.iterdir()))
    settings = make_settings(landing, root / "warehouse")
    (root / "elsewhere").mkdir()
    started = time.monotonic()
    process = subprocess.Popen(
        [str(NCII), "run"],
        cwd=root / "elsewhere",
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **settings.environment()},
    )
    lines = [(time.monotonic() - started, line.rstrip("\n")) for line in process.stdout]
    assert process.wait(timeout=600) == 0, "\n".join(line for _, line in lines)
    return TimedRun(settings, lines)


@pytest.fixture(scope="module")
def small_publication(timed_run: TimedRun) -> Settings:
    return timed_run.settings


def test_ncii_run_is_never_silent_for_more_than_5_seconds(timed_run: TimedRun) -> None:
    times = [0.0, *(t for t, _ in timed_run.lines)]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    # 5 s of silence, then the heartbeat's next quarter-second look; a second more for a busy machine
    assert max(gaps) < 6.5, [(round(t, 1), line) for t, line in timed_run.lines]
    assert any(line.startswith("  dbt    ") for _, line in timed_run.lines)  # the dbt build shows each model


def publication_bytes(settings: Settings) -> dict[str, str]:
    """Digest of every published file (following the published folder however it is laid out)."""
    files = [settings.published_db, *sorted(p for p in settings.published_dir.resolve().rglob("*") if p.is_file())]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, settings: Settings, *argv: str, **env: str
) -> tuple[int, list[str]]:
    monkeypatch.setenv("NCII_LANDING_DIR", str(settings.landing_dir))
    monkeypatch.setenv("NCII_WAREHOUSE_DIR", str(settings.warehouse_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = cli.main(list(argv))
    return code, capsys.readouterr().err.strip().splitlines()


def test_another_key_is_refused_and_the_publication_stays_byte_identical(
    small_publication: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    before = publication_bytes(small_publication)
    fingerprint = small_publication.key_fingerprint_file.read_text()
    assert TEST_KEY not in fingerprint and fingerprint.strip() == key_fingerprint(TEST_KEY.encode())
    code, err = run_cli(monkeypatch, capsys, small_publication, "run", NCII_PSEUDONYM_KEY=OTHER_KEY)
    assert code == 2
    assert len(err) == 1 and "not the key the warehouse" in err[0], err
    assert OTHER_KEY not in err[0]
    assert publication_bytes(small_publication) == before
    check_pseudonym_key(small_publication)  # the warehouse's own key still passes


def test_a_short_key_is_refused(
    small_publication: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    before = publication_bytes(small_publication)
    code, err = run_cli(monkeypatch, capsys, small_publication, "run", NCII_PSEUDONYM_KEY="x" * 31)
    assert code == 2
    assert len(err) == 1 and "use at least 32" in err[0], err
    assert publication_bytes(small_publication) == before


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("NCII_SUPPRESSION_K", "1000000000000000000000000", "from 2 to 100"),
        ("NCII_SUPPRESSION_K", "101", "from 2 to 100"),
        ("NCII_SUPPRESSION_K", "5.5", "whole number"),
        ("NCII_DRIFT_BASELINE_MONTHS", "100000", "from 3 to 60"),
        ("NCII_FRESHNESS_DAYS", "999999999", "from 1 to 366"),
        ("NCII_FRESHNESS_DAYS", "soon", "whole number"),
    ],
)
def test_settings_out_of_range_are_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, name: str, value: str, words: str
) -> None:
    settings = make_settings(
        fixture_landing(tmp_path / "landing", ["igvm_reports_20260301.jsonl"]), tmp_path / "warehouse"
    )
    code, err = run_cli(monkeypatch, capsys, settings, "run", NCII_PSEUDONYM_KEY=TEST_KEY, **{name: value})
    assert code == 2
    assert len(err) == 1 and name in err[0] and words in err[0], err
    assert not settings.warehouse_dir.exists()  # nothing was started


def test_the_demo_key_keeps_working_and_an_old_warehouse_adopts_its_key(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    create_demo_key(warehouse)
    demo = Settings.from_env({"NCII_WAREHOUSE_DIR": str(warehouse)})
    assert not demo.key_fingerprint_file.exists()  # as a warehouse from before fingerprints
    check_pseudonym_key(demo)  # adopted
    check_pseudonym_key(Settings.from_env({"NCII_WAREHOUSE_DIR": str(warehouse)}))  # and kept
    with pytest.raises(SettingsError, match="not the key"):
        check_pseudonym_key(Settings.from_env({"NCII_WAREHOUSE_DIR": str(warehouse), "NCII_PSEUDONYM_KEY": OTHER_KEY}))


def test_ncii_works_from_any_folder_and_names_the_folder_it_looked_in(
    small_publication: Settings, tmp_path: Path
) -> None:
    """The installed `ncii` (the environment's entry point, as the Quickstart has it on PATH) from elsewhere."""
    ncii = NCII
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    env = {"PATH": f"{ncii.parent}:/usr/bin:/bin", "NCII_WAREHOUSE_DIR": str(small_publication.warehouse_dir)}
    done = subprocess.run(
        ["ncii", "query", "SELECT count(*) AS n FROM platform_monthly", "--format", "csv"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.splitlines()[1]) > 0
    wrong = tmp_path / "no-warehouse-here"
    done = subprocess.run(
        ["ncii", "query", "SELECT 1"],
        cwd=elsewhere,
        env={**env, "NCII_WAREHOUSE_DIR": str(wrong)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert str(wrong) in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_the_default_folders_are_the_repositorys_wherever_ncii_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    repository = Path(cli.__file__).resolve().parent.parent
    assert settings.warehouse_dir == repository / "data" / "warehouse"
    assert settings.landing_dir == repository / "data" / "landing"
