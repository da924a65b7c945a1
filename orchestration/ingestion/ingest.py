"""Ingest a source's new landing files into its raw table (the ledger skips what is known)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

import duckdb

from orchestration.ingestion.landing import discover
from orchestration.ingestion.ledger import FileOutcome, load_file
from orchestration.ingestion.raw_schema import ensure_raw_schema
from orchestration.ingestion.readers import RAW_TABLES, READERS
from orchestration.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class SourceLoadSummary:
    source: str
    files: list[FileOutcome] = field(default_factory=list)
    quarantine_reasons: Counter = field(default_factory=Counter)

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


def _survey_loader():
    """The survey reader plugs into the same ledger; a re-landed wave replaces its rows."""
    from orchestration.ingestion.survey_reader import read_survey_into_stage

    return read_survey_into_stage


def ingest_source(conn: duckdb.DuckDBPyConnection, settings: Settings, source: str) -> SourceLoadSummary:
    """Load every new file of one source, oldest export first; returns what happened to each file."""
    ensure_raw_schema(conn)
    key = settings.require_key()
    summary = SourceLoadSummary(source)
    for landed in discover(settings.landing_dir, source):
        if source == "survey":
            outcome = load_file(
                conn, landed, key, _survey_loader(), "survey_responses", replace_where=("wave = ?", [landed.wave])
            )
        else:
            outcome = load_file(conn, landed, key, READERS[source], RAW_TABLES[source])
        summary.files.append(outcome)
        if outcome.status == "loaded":
            log.info("%s: %d rows loaded, %d quarantined", outcome.file_name, outcome.rows_loaded, outcome.rows_quarantined)
        elif outcome.status == "rejected":
            log.warning("rejected %s", outcome.message)
    loaded_names = [f.file_name for f in summary.files if f.status == "loaded"]
    if loaded_names:
        rows = conn.execute(
            "SELECT reason, count(*) FROM raw.quarantine WHERE file_name IN (SELECT unnest(?)) GROUP BY reason",
            [loaded_names],
        ).fetchall()
        summary.quarantine_reasons.update(dict(rows))
    return summary
