"""Ingest every new dsa daily dump of the landing folder with the configured engine, oldest day first."""

from __future__ import annotations

import logging

import duckdb

from orchestration.ingestion.dsa.engine_duckdb import DuckDBEngine
from orchestration.ingestion.dsa.load import UUID_WINDOW_DAYS, EngineFactory, load_day
from orchestration.ingestion.dsa.schema import ensure_dsa_schema
from orchestration.ingestion.landing import scan, wait_until_quiet
from orchestration.ingestion.ledger import FileOutcome
from orchestration.ingestion.raw_schema import ensure_raw_schema
from orchestration.settings import Settings

log = logging.getLogger(__name__)


def duckdb_engine(conn: duckdb.DuckDBPyConnection, landed) -> DuckDBEngine:
    return DuckDBEngine(conn, landed.export_date, UUID_WINDOW_DAYS)


def ingest_dsa(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[FileOutcome]:
    """Load the new days; the raw tables exist afterwards even when the landing folder has no dump."""
    ensure_raw_schema(conn)
    ensure_dsa_schema(conn)
    # the landing rules of every source: a dated name after today or impossible is rejected, a file still
    # being written is left for the next run (see orchestration/ingestion/landing.py)
    days = [landed for landed in scan(settings.landing_dir).files if landed.source == "dsa"]
    if not days:
        return []
    if settings.dsa_engine == "spark":
        from orchestration.ingestion.dsa.engine_spark import spark_engine_factory

        with spark_engine_factory(settings.spark_master, settings.dsa_scratch_dir) as factory:
            return _load_all(conn, days, factory, settings)
    return _load_all(conn, days, duckdb_engine, settings)


def _load_all(conn: duckdb.DuckDBPyConnection, days, factory: EngineFactory, settings: Settings) -> list[FileOutcome]:
    outcomes = []
    quiet = settings.landing_quiet_seconds
    states = wait_until_quiet([landed.path for landed in days], quiet)
    for landed in days:
        outcome = load_day(conn, landed, factory, settings.dsa_scratch_dir, states[landed.path], quiet)
        if outcome.status == "loaded":
            log.info(
                "%s: %d Belgian statements, %d quarantined (%s)",
                outcome.file_name,
                outcome.rows_loaded,
                outcome.rows_quarantined,
                outcome.message,
            )
        elif outcome.status in ("rejected", "deferred"):
            log.warning("%s %s", outcome.status, outcome.message)
        outcomes.append(outcome)
    return outcomes
