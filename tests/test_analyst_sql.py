"""`ncii query` and `ncii export` reach the published tables and nothing else.

Two layers, each tested on its own: DuckDB's sandbox settings on the connection (no file system,
no extensions, locked configuration, read-only), and the check of the statement before it runs
(one SELECT over the published tables). The warehouse folder's name holds a `'`, which must
publish and query fine (paths are parameters, never formatted into SQL).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from orchestration.publishing.exports import PublishedDataError, open_published, run_query
from tests.published_standin import publish_standin


@pytest.fixture()
def published(tmp_path: Path, monkeypatch):
    settings, _ = publish_standin(tmp_path / "ware'house", tmp_path / "landing")
    monkeypatch.setenv("NCII_WAREHOUSE_DIR", str(settings.warehouse_dir))
    monkeypatch.setenv("NCII_LANDING_DIR", str(settings.landing_dir))
    monkeypatch.setenv("SANDBOX_CANARY", "canary-value-from-the-environment")
    return settings


def ncii_query(capsys, sql: str) -> tuple[int, str, str]:
    code = main(["query", sql, "--format", "csv"])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_select_on_a_mart_works_in_a_folder_with_a_quote(published, capsys) -> None:
    assert "'" in str(published.warehouse_dir)
    code, out, err = ncii_query(capsys, "SELECT platform, cases FROM platform_monthly WHERE cases > 10 ORDER BY cases")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["platform,cases", "x,12", "snapchat,40"]
    code, out, _ = ncii_query(
        capsys,
        "WITH m AS (SELECT * FROM main.platform_monthly) SELECT count(*) AS n FROM m "
        "JOIN (SELECT unnest(['x', 'snapchat']) AS platform) USING (platform)",
    )
    assert (code, out.splitlines()) == (0, ["n", "2"])


def paths(settings) -> dict[str, str]:
    """The files an attacker would aim at, as SQL string literals' contents (the folder's `'` doubled)."""
    return {name: path.replace("'", "''") for name, path in _paths(settings).items()}


def _paths(settings) -> dict[str, str]:
    return {
        "warehouse": str(settings.warehouse_db),
        "key": str(settings.warehouse_dir / ".pseudonym_key"),
        "out": str(settings.warehouse_dir / "stolen.csv"),
        "parquet": str(settings.published_dir / "alerts.parquet"),
        "export": str(settings.warehouse_dir / "dump"),
    }


# Every way out of the published tables the sandbox must close, with a word of the refusal it must give.
ATTACKS = {
    "read_csv": ("SELECT * FROM read_csv('/etc/passwd')", "read_csv() is not available"),
    "read_parquet": ("SELECT * FROM read_parquet('{parquet}')", "read_parquet() is not available"),
    "read_key_file": ("SELECT * FROM read_text('{key}')", "read_text() is not available"),
    "glob": ("SELECT * FROM glob('/etc/*')", "glob() is not available"),
    "catalog_function": ("SELECT * FROM duckdb_tables()", "duckdb_tables() is not available"),
    "catalog_view": ("SELECT * FROM information_schema.tables", "not a published table"),
    "sqlite_master": ("SELECT * FROM sqlite_master", "not a published table"),
    "query_function": ("SELECT * FROM query('SELECT 1')", "query() is not available"),
    "subquery_function": ("SELECT (SELECT count(*) FROM duckdb_settings()) AS n", "duckdb_settings() is not available"),
    "show": ("SHOW ALL TABLES", "SHOW is not available"),
    "copy_to": ("COPY platform_monthly TO '{out}'", "read-only"),
    "copy_over_parquet": ("COPY platform_monthly TO '{parquet}' (FORMAT parquet)", "read-only"),
    "attach": ("ATTACH '{warehouse}' AS wh", "read-only"),
    "attach_read_only": ("ATTACH '{warehouse}' AS wh (READ_ONLY)", "read-only"),
    "install": ("INSTALL httpfs", "read-only"),
    "load": ("LOAD httpfs", "read-only"),
    "set": ("SET enable_external_access = true", "read-only"),
    "pragma": ("PRAGMA threads = 1", "read-only"),
    "export_database": ("EXPORT DATABASE '{export}'", "read-only"),
    "create_table": ("CREATE TABLE t AS SELECT 1", "read-only"),
    "drop_table": ("DROP TABLE platform_monthly", "read-only"),
    "two_statements": ("SELECT 1; COPY platform_monthly TO '{out}'", "one SQL statement at a time"),
    "environment": ("SELECT getenv('SANDBOX_CANARY')", "getenv does not exist"),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_ncii_query_refuses_in_one_line(published, capsys, attack: str) -> None:
    sql, expected = ATTACKS[attack]
    before = sorted(p.name for p in published.warehouse_dir.rglob("*"))
    code, out, err = ncii_query(capsys, sql.format(**paths(published)))
    assert code == 2 and out == ""
    assert err.startswith("ncii: error: ") and err.count("\n") == 1 and expected in err, err
    assert "canary-value" not in err and "root:" not in err
    assert sorted(p.name for p in published.warehouse_dir.rglob("*")) == before  # nothing written


# The same statements straight on the sandboxed connection, without the statement check: DuckDB refuses them.
CONNECTION_REFUSES = {
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "read_parquet": "SELECT * FROM read_parquet('{parquet}')",
    "read_key_file": "SELECT * FROM read_text('{key}')",
    "copy_to": "COPY platform_monthly TO '{out}'",
    "attach_warehouse": "ATTACH '{warehouse}' AS wh (READ_ONLY)",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "set": "SET enable_external_access = true",
    "reset_lock": "SET lock_configuration = false",
    "pragma": "PRAGMA threads = 1",
    "export_database": "EXPORT DATABASE '{export}'",
    "create_table": "CREATE TABLE t AS SELECT 1",
    "getenv": "SELECT getenv('SANDBOX_CANARY')",
}


@pytest.mark.parametrize("attack", CONNECTION_REFUSES)
def test_the_connection_itself_refuses(published, attack: str) -> None:
    conn = open_published(published)
    try:
        with pytest.raises(duckdb.Error):
            conn.execute(CONNECTION_REFUSES[attack].format(**paths(published))).fetchall()
    finally:
        conn.close()
    assert not (published.warehouse_dir / "stolen.csv").exists()
    assert not (published.warehouse_dir / "dump").exists()


def test_query_errors_keep_duckdbs_hints(published) -> None:
    with pytest.raises(PublishedDataError) as column_typo:
        run_query(published, "SELECT monht FROM platform_monthly")
    assert 'Candidate bindings: "month"' in str(column_typo.value) and "\n" not in str(column_typo.value)
    with pytest.raises(PublishedDataError) as table_typo:
        run_query(published, "SELECT * FROM platfrom_monthly")
    assert 'Did you mean "platform_monthly"?' in str(table_typo.value)
    with pytest.raises(PublishedDataError) as function_typo:
        run_query(published, "SELECT sume(cases) FROM platform_monthly")
    assert "Did you mean" in str(function_typo.value) and "\n" not in str(function_typo.value)
