"""Publication is atomic: readers see the whole old or the whole new publication, never a lock error."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration.publishing.publish import current_version, publish_marts
from orchestration.settings import PUBLISHED_MARTS
from tests.conftest import make_settings


def write_marts(warehouse_db: Path, version: int, marts=PUBLISHED_MARTS) -> None:
    """A stand-in warehouse whose every mart carries the same `version` value."""
    conn = duckdb.connect(str(warehouse_db))
    conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
    for mart in marts:
        conn.execute(
            f"CREATE OR REPLACE TABLE marts.{mart} AS SELECT {version} AS version, range AS n FROM range(1000)"
        )
    conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def settings(tmp_path: Path):
    settings = make_settings(tmp_path / "landing", tmp_path / "warehouse")
    settings.warehouse_dir.mkdir(parents=True)
    return settings


def test_publish_writes_duckdb_and_parquet(settings) -> None:
    write_marts(settings.warehouse_db, 1)
    publication = publish_marts(settings)
    assert publication.row_counts == {mart: 1000 for mart in PUBLISHED_MARTS}
    conn = duckdb.connect(str(settings.published_db), read_only=True)
    assert {r[0] for r in conn.execute("SHOW TABLES").fetchall()} == set(PUBLISHED_MARTS)
    conn.close()
    for mart in PUBLISHED_MARTS:
        assert (settings.published_dir / f"{mart}.parquet").exists()


def test_a_failed_publication_leaves_the_previous_one_byte_for_byte(settings) -> None:
    write_marts(settings.warehouse_db, 1)
    publish_marts(settings)
    before = digest(settings.published_db)
    parquet_before = {m: digest(settings.published_dir / f"{m}.parquet") for m in PUBLISHED_MARTS}

    conn = duckdb.connect(str(settings.warehouse_db))
    conn.execute(f"DROP TABLE marts.{PUBLISHED_MARTS[-1]}")  # a mart the run failed to build
    conn.close()
    with pytest.raises(duckdb.Error):
        publish_marts(settings)

    assert digest(settings.published_db) == before
    assert {m: digest(settings.published_dir / f"{m}.parquet") for m in PUBLISHED_MARTS} == parquet_before
    assert not list(settings.warehouse_dir.glob(".published-*"))


def test_leftovers_of_a_killed_publication_are_cleaned_and_old_versions_pruned(settings) -> None:
    write_marts(settings.warehouse_db, 1)
    (settings.warehouse_dir / ".published-20260101T000000-deadbeef.duckdb").write_bytes(b"half a file")
    for version in range(2, 7):
        write_marts(settings.warehouse_db, version)
        publish_marts(settings)
    assert not (settings.warehouse_dir / ".published-20260101T000000-deadbeef.duckdb").exists()
    versions = sorted((settings.published_dir / "versions").iterdir())
    assert len(versions) == 3
    assert current_version(settings.published_dir).resolve() == versions[-1].resolve()


READER = textwrap.dedent(
    """
    import sys, time, duckdb
    path, marts, seconds = sys.argv[1], sys.argv[2].split(","), float(sys.argv[3])
    reads, errors, mixes = 0, [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = duckdb.connect(path, read_only=True)
            versions = {conn.execute(f"SELECT min(version), max(version), count(*) FROM {m}").fetchone() for m in marts}
            conn.close()
            if len({v[:2] for v in versions}) != 1 or any(v[0] != v[1] or v[2] != 1000 for v in versions):
                mixes += 1
            reads += 1
        except Exception as exc:
            errors.append(str(exc).splitlines()[0])
    print(reads, mixes, len(errors), errors[:3])
    """
)


def test_a_reader_in_another_process_never_sees_an_error_or_a_mix(settings, tmp_path: Path) -> None:
    write_marts(settings.warehouse_db, 0)
    publish_marts(settings)
    script = tmp_path / "reader.py"
    script.write_text(READER)
    reader = subprocess.Popen(
        [sys.executable, str(script), str(settings.published_db), ",".join(PUBLISHED_MARTS), "6"],
        stdout=subprocess.PIPE,
        text=True,
    )
    publications = 0
    while reader.poll() is None:
        publications += 1
        write_marts(settings.warehouse_db, publications)
        publish_marts(settings)
    reads, mixes, errors, first_errors = reader.stdout.read().split(maxsplit=3)
    assert publications >= 5
    assert int(reads) > 20
    assert (int(mixes), int(errors)) == (0, 0), first_errors
