"""Ingest a source's new landing files into its raw table (the ledger skips what is known)."""

from __future__ import annotations

import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb

from orchestration.ingestion.landing import LandedFile, LandingNote, scan, wait_until_quiet
from orchestration.ingestion.ledger import FileOutcome, Reader, file_sha256, load_file
from orchestration.ingestion.raw_schema import ensure_raw_schema
from orchestration.settings import Settings
from orchestration.sources import SOURCES

log = logging.getLogger(__name__)
INGEST_WORKERS = 2  # files loaded side by side (the machine this runs on has two cores)
CHECKPOINT_THRESHOLD = "1GB"


@dataclass
class SourceLoadSummary:
    source: str
    files: list[FileOutcome] = field(default_factory=list)
    quarantine_reasons: Counter = field(default_factory=Counter)  # row-level entries (rows not loaded)
    field_reasons: Counter = field(default_factory=Counter)  # field-level entries (rows loaded, a field unknown)
    notes: list[LandingNote] = field(default_factory=list)  # the landing folder's entries that were not loaded

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "rejected"]

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


def ingest_source(conn: duckdb.DuckDBPyConnection, settings: Settings, source: str) -> SourceLoadSummary:
    """Load every new file of one source; returns what happened to each file, oldest export first.

    The landing folder is scanned whole each time (a directory listing): its notes (near-miss names,
    links, folders, unfinished files) are kept in raw.landing_notes for the run summary, and near
    misses raise an alert. Every source's step records the folder-wide notes, so a run that stops at
    any source still reports them.
    """
    ensure_raw_schema(conn)
    # Each file commits on its own; with DuckDB's default (16 MB) most commits would also checkpoint the
    # whole database. The log is checkpointed once, when the step closes its connection (faster at 1M rows).
    conn.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    key = settings.require_key()
    summary = SourceLoadSummary(source)
    landing = scan(settings.landing_dir)
    files = [landed for landed in landing.files if landed.source == source]
    quiet = settings.landing_quiet_seconds
    states = wait_until_quiet([landed.path for landed in files], quiet)
    declared = SOURCES[source]
    if declared.replaces_by:  # a re-landed file replaces its rows: one file after the other, in order
        column = declared.replaces_by
        outcomes = [
            load_file(
                conn,
                landed,
                key,
                declared.read(),
                declared.raw_table,
                replace_where=(f"{column} = ?", [getattr(landed, column)]),
                state=states[landed.path],
                quiet_seconds=quiet,
            )
            for landed in files
        ]
    else:
        outcomes = _load_side_by_side(conn, files, key, declared.read(), declared.raw_table, states, quiet)
    for outcome, landed in zip(outcomes, files):
        summary.files.append(outcome)
        if outcome.status == "loaded":
            log.info(
                "%s: %d rows loaded, %d quarantined", outcome.file_name, outcome.rows_loaded, outcome.rows_quarantined
            )
        elif outcome.status == "rejected":
            log.warning("rejected %s", outcome.message)
        elif outcome.status == "deferred":
            log.warning("deferred %s", outcome.message)
            note = (outcome.message or "").removeprefix(f"{landed.name}: ")
            summary.notes.append(LandingNote("still_changing", landed.name, source, note))
    _record_notes(conn, source, summary.notes)
    _record_notes(conn, "landing", landing.notes)
    summary.notes = [*landing.notes, *summary.notes]
    _count_quarantine(conn, summary)
    return summary


def _record_notes(conn: duckdb.DuckDBPyConnection, scope: str, notes: list[LandingNote]) -> None:
    """The scope's notes of this run replace those of the last one (a fixed name stops being reported)."""
    conn.execute("BEGIN TRANSACTION")
    conn.execute("DELETE FROM raw.landing_notes WHERE scope = ?", [scope])
    if notes:
        conn.executemany(
            "INSERT INTO raw.landing_notes VALUES (?, ?, ?, ?, ?, now())",
            [[scope, n.kind, n.file_name, n.source, n.note] for n in notes],
        )
    conn.execute("COMMIT")


def _load_side_by_side(
    conn: duckdb.DuckDBPyConnection,
    files: list[LandedFile],
    key: bytes,
    reader: Reader,
    raw_table: str,
    states: dict,
    quiet: float,
) -> list[FileOutcome]:
    """Load a source's files INGEST_WORKERS at a time, each in its own transaction on its own cursor.

    DuckDB runs one file's queries on both cores only part of the time (a file is a few row groups), so
    two files side by side keep the machine busy. The ledger check of a file and its commit are not
    atomic across cursors, so a file whose bytes repeat an earlier file of this batch waits until the
    batch is committed: the ledger then skips it, exactly as when it lands in a later run.
    """
    with ThreadPoolExecutor(INGEST_WORKERS) as pool:
        shas = list(pool.map(lambda landed: file_sha256(landed.path), files))
        first: dict[str, int] = {}  # checksum -> the first file with those bytes
        for index, sha in enumerate(shas):
            first.setdefault(sha, index)

        def load(index: int) -> FileOutcome:
            cursor = conn.cursor()
            try:
                return load_file(
                    cursor,
                    files[index],
                    key,
                    reader,
                    raw_table,
                    sha=shas[index],
                    state=states[files[index].path],
                    quiet_seconds=quiet,
                )
            finally:
                cursor.close()

        outcomes = dict(zip(first.values(), pool.map(load, first.values())))
    for index, landed in enumerate(files):
        if index not in outcomes:
            outcomes[index] = load_file(
                conn, landed, key, reader, raw_table, sha=shas[index], state=states[landed.path], quiet_seconds=quiet
            )
    return [outcomes[index] for index in range(len(files))]


def _count_quarantine(conn: duckdb.DuckDBPyConnection, summary: SourceLoadSummary) -> None:
    loaded_names = [f.file_name for f in summary.files if f.status == "loaded"]
    if loaded_names:
        rows = conn.execute(
            "SELECT level, reason, count(*) FROM raw.quarantine WHERE file_name IN (SELECT unnest(?)) GROUP BY ALL",
            [loaded_names],
        ).fetchall()
        for level, reason, count in rows:
            (summary.field_reasons if level == "field" else summary.quarantine_reasons)[reason] += count
