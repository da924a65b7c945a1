"""Publish the marts where analysts read them, atomically.

DuckDB locks a file both ways (an analyst's read-only connection blocks a writer), so the
published file is never written in place: a new file is built beside it and `os.replace`d
over the old one. Readers that have the old file open keep it; new readers get the new one.
It is written in DuckDB's v1.1.0 storage format so that DuckDB 1.1 and every later release
(the R package, DBeaver's driver and other tools lag behind) can open it.

Parquet: `published/versions/<id>/` holds one whole publication; each `published/<mart>.parquet`
is a hard link to its file in the newest version, swapped in with `os.replace` (atomic per file,
and a reader that has the old file open keeps reading the old file). `published/CURRENT` names
the newest version folder, for readers that need several marts of one publication. Every
Parquet file carries its publication id in its key-value metadata (`ncii_publication`).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration import database
from orchestration.disclosure.audit import AuditResult, require_safe
from orchestration.publishing.catalog import table_doc
from orchestration.settings import PUBLISHED_MARTS, Settings

MART_SCHEMA = "marts"
KEEP_PARQUET_VERSIONS = 3
# The oldest DuckDB release that must open published.duckdb (the contract says 1.1).
PUBLISHED_STORAGE_VERSION = "v1.1.0"
PUBLICATION_KEY = "ncii_publication"
CURRENT_FILE = "CURRENT"
VERSIONS_DIR = "versions"


@dataclass(frozen=True)
class Publication:
    published_db: Path
    parquet_dir: Path
    row_counts: dict[str, int]
    publication_id: str
    audit: AuditResult  # the disclosure test this publication passed


def quote_ident(name: str) -> str:
    """A SQL identifier, quoted (identifiers cannot be parameters)."""
    return '"' + name.replace('"', '""') + '"'


def quote_qualified(name: str) -> str:
    return ".".join(quote_ident(part) for part in name.split("."))


def sql_literal(text: str) -> str:
    """A string literal, for the one statement that takes no parameters (COMMENT ON); the texts are
    the project's own model documentation, never a landing value."""
    return "'" + text.replace("'", "''") + "'"


def publish_marts(
    settings: Settings, marts: tuple[str, ...] = PUBLISHED_MARTS, extra_tables: dict[str, str] | None = None
) -> Publication:
    """Copy the audited marts (and extra tables: published name -> warehouse table, such as the
    monitoring history) from warehouse.duckdb into a new published file and Parquet folder, run the
    disclosure audit on that candidate, then swap (a failed audit raises and publishes nothing)."""
    tables = {mart: f"{MART_SCHEMA}.{mart}" for mart in marts} | (extra_tables or {})
    _remove_leftovers(settings)
    # sortable by time even for publications within the same second (pruning keeps the newest)
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{time.time_ns() % 10**9:09d}-{uuid.uuid4().hex[:6]}"
    staging_dir = _parquet_root(settings)
    version_dir = staging_dir / VERSIONS_DIR / stamp
    version_dir.mkdir(parents=True)
    tmp_db = settings.warehouse_dir / f".published-{stamp}.duckdb"

    row_counts: dict[str, int] = {}
    conn = database.connect()
    try:
        conn.execute(f"ATTACH ? AS pub (STORAGE_VERSION '{PUBLISHED_STORAGE_VERSION}')", [str(tmp_db)])
        conn.execute("ATTACH ? AS wh (READ_ONLY)", [str(settings.warehouse_db)])
        for name, table in tables.items():
            doc = table_doc(name)
            target = f"pub.main.{quote_ident(name)}"
            grain = [c for c in doc.grain if c in _columns(conn, "wh", table)]
            order = f" ORDER BY {', '.join(map(quote_ident, grain))}" if grain else ""
            conn.execute(f"CREATE TABLE {target} AS SELECT * FROM wh.{quote_qualified(table)}{order}")
            _write_comments(conn, target, name)
            row_counts[name] = conn.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
            conn.execute(
                f"COPY {target} TO ? (FORMAT parquet, KV_METADATA {{{PUBLICATION_KEY}: ?}})",
                [str(version_dir / f"{name}.parquet"), stamp],
            )
        conn.execute("DETACH wh")
        conn.execute("CHECKPOINT pub")
        conn.execute("DETACH pub")
    except BaseException:
        conn.close()
        tmp_db.unlink(missing_ok=True)
        tmp_db.with_name(tmp_db.name + ".wal").unlink(missing_ok=True)
        shutil.rmtree(version_dir, ignore_errors=True)
        raise
    conn.close()
    try:  # the disclosure audit is part of the gate: a candidate a reader could narrow a count in never goes out
        audit = require_safe(tmp_db, settings.suppression_k, settings.audit_verdicts)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        shutil.rmtree(version_dir, ignore_errors=True)
        raise

    os.replace(tmp_db, settings.published_db)
    published_dir = _install_parquet_root(settings, staging_dir)
    _swap_parquet(published_dir, published_dir / VERSIONS_DIR / stamp, tuple(tables))
    _prune_versions(published_dir / VERSIONS_DIR, current=stamp, keep=KEEP_PARQUET_VERSIONS)
    return Publication(settings.published_db, published_dir, row_counts, stamp, audit)


def _write_comments(conn: duckdb.DuckDBPyConnection, target: str, name: str) -> None:
    """The model's documentation as table and column comments: `ncii describe`, DBeaver and
    `duckdb_columns()` show them wherever the file goes."""
    doc = table_doc(name)
    if doc.description:
        conn.execute(f"COMMENT ON TABLE {target} IS {sql_literal(doc.description)}")
    columns = _columns(conn, "pub", f"main.{name}")
    for column, text in doc.columns.items():
        if column in columns and text:
            conn.execute(f"COMMENT ON COLUMN {target}.{quote_ident(column)} IS {sql_literal(text)}")


def _columns(conn: duckdb.DuckDBPyConnection, database: str, table: str) -> list[str]:
    schema, _, name = table.rpartition(".")
    return [
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND table_name = ? "
            "ORDER BY column_index",
            [database, schema or "main", name],
        ).fetchall()
    ]


def _parquet_root(settings: Settings) -> Path:
    """Where this publication's version folder is built: `published/` itself, or (once, for a warehouse
    of the earlier layout where `published` was a symlink) a new folder installed after the build."""
    published = settings.published_dir
    if published.is_dir() and not published.is_symlink():
        return published
    staging = settings.warehouse_dir / f".published-layout-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    return staging


def _install_parquet_root(settings: Settings, root: Path) -> Path:
    published = settings.published_dir
    if root == published:
        return published
    if published.is_symlink():
        old_target = published.resolve()
        published.unlink()
        if old_target.parent == settings.warehouse_dir / "publications":
            shutil.rmtree(old_target.parent, ignore_errors=True)
    elif published.exists():  # a file where the folder belongs: move it aside, never delete
        published.rename(published.with_name(f"{published.name}-previous-{uuid.uuid4().hex[:8]}"))
    root.rename(published)
    return published


def _swap_parquet(published_dir: Path, version_dir: Path, names: tuple[str, ...]) -> None:
    """Each `<mart>.parquet` becomes the new version's file in one rename; then CURRENT names the version."""
    for name in names:
        tmp = published_dir / f".{name}.parquet.{uuid.uuid4().hex[:8]}"
        try:
            os.link(version_dir / f"{name}.parquet", tmp)
        except OSError:  # a file system without hard links
            shutil.copyfile(version_dir / f"{name}.parquet", tmp)
        os.replace(tmp, published_dir / f"{name}.parquet")
    for stale in published_dir.glob("*.parquet"):  # a table no longer published
        if stale.stem not in names:
            stale.unlink(missing_ok=True)
    tmp = published_dir / f".{CURRENT_FILE}.{uuid.uuid4().hex[:8]}"
    tmp.write_text(f"{VERSIONS_DIR}/{version_dir.name}\n", encoding="utf-8")
    os.replace(tmp, published_dir / CURRENT_FILE)


def current_version(published_dir: Path) -> Path:
    """The folder of the publication `CURRENT` names: every mart of one publication."""
    return published_dir / (published_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()


def _prune_versions(versions_dir: Path, current: str, keep: int) -> None:
    """Keep the newest few versions (a reader that read CURRENT just before has time to finish),
    and never the current one."""
    versions = sorted(p for p in versions_dir.iterdir() if p.is_dir() and p.name != current)
    for old in versions[: max(len(versions) - (keep - 1), 0)]:
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(settings: Settings) -> None:
    """A run killed mid-publish leaves a half-built file, link or folder behind; the live ones are untouched."""
    for leftover in settings.warehouse_dir.glob(".published-*"):
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink(missing_ok=True)
        elif leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    published = settings.published_dir
    if published.is_dir() and not published.is_symlink():
        for leftover in published.glob(".*.parquet.*"):
            leftover.unlink(missing_ok=True)
        for leftover in published.glob(f".{CURRENT_FILE}.*"):
            leftover.unlink(missing_ok=True)
