"""Readers of the publication while publications swap: never a torn file, never a mixed set.

`published/<mart>.parquet` is always one whole file of one publication; `published/CURRENT`
names a version folder holding every table of one publication. Each file carries its
publication id in its Parquet key-value metadata, and each stand-in table a `version` column
and a row count that differ per publication, so a torn or mixed read cannot go unseen.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration.publishing.publish import PUBLICATION_KEY, current_version, publish_marts
from orchestration.settings import PUBLISHED_MARTS
from tests.conftest import make_settings

TABLES = PUBLISHED_MARTS


def write_version(warehouse_db: Path, version: int) -> None:
    """Every table holds `version` in each row, and 500 + version rows."""
    conn = duckdb.connect(str(warehouse_db))
    conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
    for table in TABLES:
        conn.execute(
            f"CREATE OR REPLACE TABLE marts.{table} AS SELECT ? AS version, range AS n FROM range(?)",
            [version, 500 + version],
        )
    conn.close()


READER = textwrap.dedent(
    """
    import json, sys, time
    import duckdb, pyarrow.parquet as pq
    from pathlib import Path
    published, tables, seconds = Path(sys.argv[1]), sys.argv[2].split(","), float(sys.argv[3])
    result = {"file_reads": 0, "duckdb_reads": 0, "set_reads": 0, "set_retries": 0, "errors": [], "torn": 0,
              "mixed": 0, "seen": {}}
    conn = duckdb.connect()

    def whole(version, rows):
        return rows == 500 + version

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for table in tables:
            path = published / f"{table}.parquet"
            try:
                with pq.ParquetFile(path) as handle:  # one open: metadata and rows of the same file
                    pub = handle.metadata.metadata[b"ncii_publication"].decode()
                    data = handle.read(columns=["version"]).column("version").to_pylist()
                if len(set(data)) != 1 or not whole(data[0], len(data)):
                    result["torn"] += 1
                result["seen"][f"{pub} {data[0]}"] = result["seen"].get(f"{pub} {data[0]}", 0) + 1
                result["file_reads"] += 1
                low, high, rows = conn.execute(
                    "SELECT min(version), max(version), count(*) FROM read_parquet(?)", [str(path)]).fetchone()
                if low != high or not whole(low, rows):
                    result["torn"] += 1
                result["duckdb_reads"] += 1
            except Exception as exc:
                result["errors"].append(f"{type(exc).__name__}: {exc}".splitlines()[0])
        # the documented recipe for a consistent set: the folder CURRENT names, read again if it was pruned
        for attempt in range(5):
            try:
                folder = published / (published / "CURRENT").read_text().strip()
                ids, versions = set(), set()
                for table in tables:
                    with pq.ParquetFile(folder / f"{table}.parquet") as handle:
                        ids.add(handle.metadata.metadata[b"ncii_publication"].decode())
                        data = handle.read(columns=["version"]).column("version").to_pylist()
                        versions.update(data)
                        if not whole(data[0], len(data)):
                            result["torn"] += 1
                if len(ids) != 1 or len(versions) != 1:
                    result["mixed"] += 1
                result["set_reads"] += 1
                break
            except FileNotFoundError:
                result["set_retries"] += 1
        else:
            result["errors"].append("consistent set: CURRENT's folder pruned five times in a row")
    Path(sys.argv[4]).write_text(json.dumps(result))
    """
)


def test_parquet_readers_never_see_a_torn_file_or_a_mixed_set(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "landing", tmp_path / "warehouse")
    settings.warehouse_dir.mkdir(parents=True)
    write_version(settings.warehouse_db, 0)
    ids = {publish_marts(settings).publication_id: 0}
    script = tmp_path / "reader.py"
    script.write_text(READER)
    outputs = [tmp_path / f"reader{i}.json" for i in range(2)]
    readers = [
        subprocess.Popen([sys.executable, str(script), str(settings.published_dir), ",".join(TABLES), "6", str(out)])
        for out in outputs
    ]
    version = 0
    while any(reader.poll() is None for reader in readers):
        version += 1
        write_version(settings.warehouse_db, version)
        ids[publish_marts(settings).publication_id] = version
    assert [reader.returncode for reader in readers] == [0, 0]
    results = [json.loads(out.read_text()) for out in outputs]

    assert version >= 5, "publications must have swapped while the readers read"
    assert sum(r["file_reads"] for r in results) >= 300 and sum(r["set_reads"] for r in results) >= 50
    assert [r["errors"] for r in results] == [[], []]
    assert sum(r["torn"] + r["mixed"] for r in results) == 0
    seen = [key.split() for r in results for key in r["seen"]]
    assert all(ids[pub] == int(data_version) for pub, data_version in seen), "a file's id names the data it holds"
    assert len({pub for pub, _ in seen}) >= 3, "the readers saw several publications"


def test_current_names_the_newest_publication_and_every_file_matches_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "landing", tmp_path / "warehouse")
    settings.warehouse_dir.mkdir(parents=True)
    for version in (1, 2):
        write_version(settings.warehouse_db, version)
        publication = publish_marts(settings)
    folder = current_version(settings.published_dir)
    assert folder.name == publication.publication_id
    conn = duckdb.connect()
    for table in TABLES:
        for path in (folder / f"{table}.parquet", settings.published_dir / f"{table}.parquet"):
            kv = dict(conn.execute("SELECT key, value FROM parquet_kv_metadata(?)", [str(path)]).fetchall())
            assert kv[PUBLICATION_KEY.encode()].decode() == publication.publication_id
            assert conn.execute("SELECT DISTINCT version FROM read_parquet(?)", [str(path)]).fetchall() == [(2,)]


def test_a_warehouse_of_the_symlink_layout_moves_to_the_new_one(tmp_path: Path) -> None:
    """Earlier publications made `published` a symlink into `publications/<id>`: the next one replaces it."""
    settings = make_settings(tmp_path / "landing", tmp_path / "warehouse")
    old_version = settings.warehouse_dir / "publications" / "20260101T000000-000000000-abcdef"
    old_version.mkdir(parents=True)
    (old_version / "platform_monthly.parquet").write_bytes(b"old")
    settings.published_dir.symlink_to(old_version.relative_to(settings.warehouse_dir), target_is_directory=True)
    write_version(settings.warehouse_db, 3)
    publish_marts(settings)
    assert settings.published_dir.is_dir() and not settings.published_dir.is_symlink()
    assert not (settings.warehouse_dir / "publications").exists()
    conn = duckdb.connect()
    path = str(settings.published_dir / "platform_monthly.parquet")
    assert conn.execute("SELECT DISTINCT version FROM read_parquet(?)", [path]).fetchall() == [(3,)]


DUCKDB_11 = Path(__file__).resolve().parent.parent / ".venv-duckdb11"


@pytest.mark.skipif(
    not DUCKDB_11.is_dir(),
    reason="DuckDB 1.1 reader not installed: `make test` installs it into .venv-duckdb11 (target duckdb11)",
)
def test_published_duckdb_opens_in_duckdb_1_1(tmp_path: Path) -> None:
    from tests.published_standin import publish_standin

    settings, _ = publish_standin(tmp_path / "warehouse", tmp_path / "landing")
    script = textwrap.dedent(
        """
        import sys, duckdb
        assert duckdb.__version__.startswith("1.1."), duckdb.__version__
        conn = duckdb.connect(sys.argv[1], read_only=True)
        print(duckdb.__version__)
        print(conn.execute("SELECT month, platform, cases FROM platform_monthly ORDER BY month, platform").fetchall())
        print(conn.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'platform_monthly' "
                           "AND column_name = 'month'").fetchone()[0])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(settings.published_db)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(DUCKDB_11), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    version, rows, comment = result.stdout.splitlines()
    assert version.startswith("1.1.")
    assert "datetime.date(2026, 1, 1), 'instagram', 8" in rows
    assert comment.startswith("First day of the month")


@pytest.mark.skipif(
    not DUCKDB_11.is_dir(),
    reason="DuckDB 1.1 reader not installed: `make test` installs it into .venv-duckdb11 (target duckdb11)",
)
def test_the_readme_python_examples_run_on_duckdb_1_1(tmp_path: Path) -> None:
    """The analyst guide's Python examples, as written, against a publication in ./data/warehouse."""
    import re

    from tests.published_standin import publish_standin

    publish_standin(tmp_path / "data" / "warehouse", tmp_path / "data" / "landing")
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    guide = readme[readme.index("## Analyst guide") :]
    guide = guide[: guide.index("\n## ", 3)]
    examples = re.findall(r"```python\n(.*?)```", guide, re.S)
    assert len(examples) >= 2
    for example in examples:
        result = subprocess.run(
            [sys.executable, "-c", "import duckdb; assert duckdb.__version__.startswith('1.1.')\n" + example],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PYTHONPATH": str(DUCKDB_11), "PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip()
