"""Publish the marts where analysts read them, atomically.

DuckDB locks a file both ways (an analyst's read-only connection blocks a writer), so the
published file is never written in place: a new file is built beside it and `os.replace`d
over the old one. Readers that have the old file open keep it; new readers get the new one.
The Parquet copies go to a new versioned folder and the `published` symlink is swapped the
same way, so a reader sees the whole old publication or the whole new one.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from orchestration.disclosure.audit import require_safe
from orchestration.settings import PUBLISHED_MARTS, Settings

MART_SCHEMA = "marts"
KEEP_PARQUET_VERSIONS = 3


@dataclass(frozen=True)
class Publication:
    published_db: Path
    parquet_dir: Path
    row_counts: dict[str, int]


def publish_marts(
    settings: Settings, marts: tuple[str, ...] = PUBLISHED_MARTS, extra_tables: dict[str, str] | None = None
) -> Publication:
    """Copy the audited marts (and extra tables: published name -> warehouse table, such as the
    monitoring history) from warehouse.duckdb into a new published file and Parquet folder, run the
    disclosure audit on that candidate, then swap (a failed audit raises and publishes nothing)."""
    tables = {mart: f"{MART_SCHEMA}.{mart}" for mart in marts} | (extra_tables or {})
    _remove_leftovers(settings.warehouse_dir)
    # sortable by time even for publications within the same second (pruning keeps the newest)
    stamp = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{time.time_ns() % 10**9:09d}-{uuid.uuid4().hex[:6]}"
    versions_dir = settings.warehouse_dir / "publications"
    version_dir = versions_dir / stamp
    version_dir.mkdir(parents=True)
    tmp_db = settings.warehouse_dir / f".published-{stamp}.duckdb"

    row_counts: dict[str, int] = {}
    conn = duckdb.connect(str(tmp_db))
    try:
        conn.execute(f"ATTACH '{settings.warehouse_db}' AS wh (READ_ONLY)")
        for mart, table in tables.items():
            conn.execute(f"CREATE TABLE main.{mart} AS SELECT * FROM wh.{table}")
            row_counts[mart] = conn.execute(f"SELECT count(*) FROM main.{mart}").fetchone()[0]
            conn.execute(f"COPY main.{mart} TO '{version_dir / (mart + '.parquet')}' (FORMAT parquet)")
        conn.execute("DETACH wh")
        conn.execute("CHECKPOINT")
    except BaseException:
        conn.close()
        tmp_db.unlink(missing_ok=True)
        shutil.rmtree(version_dir, ignore_errors=True)
        raise
    conn.close()
    try:  # the disclosure audit is part of the gate: an exposing candidate never replaces the live one
        require_safe(tmp_db, settings.suppression_k)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        shutil.rmtree(version_dir, ignore_errors=True)
        raise

    os.replace(tmp_db, settings.published_db)
    _swap_symlink(settings.published_dir, version_dir)
    _prune_versions(versions_dir, current=version_dir, keep=KEEP_PARQUET_VERSIONS)
    return Publication(settings.published_db, settings.published_dir, row_counts)


def _swap_symlink(link: Path, target: Path) -> None:
    """Point `link` at `target` atomically (a new symlink renamed over the old one)."""
    if link.exists() and not link.is_symlink():
        # A real folder from an earlier layout: move it aside once, never delete analysts' files.
        link.rename(link.with_name(f"{link.name}-previous-{uuid.uuid4().hex[:8]}"))
    tmp_link = link.with_name(f".{link.name}-{uuid.uuid4().hex[:8]}")
    tmp_link.symlink_to(target.relative_to(link.parent), target_is_directory=True)
    os.replace(tmp_link, link)


def _prune_versions(versions_dir: Path, current: Path, keep: int) -> None:
    """Keep the newest few Parquet versions (a reader still on an older one has time to finish),
    and never the one `published` points to."""
    versions = sorted(p for p in versions_dir.iterdir() if p.is_dir() and p != current)
    for old in versions[: max(len(versions) - (keep - 1), 0)]:
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(warehouse_dir: Path) -> None:
    """A run killed mid-publish leaves a half-built file or link behind; the live ones are untouched."""
    for leftover in warehouse_dir.glob(".published-*"):
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink(missing_ok=True)
