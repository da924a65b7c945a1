"""Loading one daily dump: the ledger decides whether to, one DuckDB transaction commits the whole day.

The same bytes landing again load nothing (the ledger's checksum, as for every source). The day's
parts are reduced one at a time by the chosen engine into TEMP tables of the open transaction;
the raw tables, the remembered uuids, the quarantine and the ledger rows are written in that same
transaction, so a load killed at any point leaves no half day.

Which uuids are remembered, and for how long (`UUID_WINDOW_DAYS`): a statement published again
comes back in a neighbouring day's dump, so a day is checked against the uuids of the dumps up to
`UUID_WINDOW_DAYS` days before and after it (after: days may land out of order), and earlier parts of
the same day. Only Belgian statements that were counted are remembered (a repeat of an out-of-scope
or malformed record counts nowhere anyway). Remembering every uuid for ever is not an option: at 15-75
million statements a day, most of them filed for every EEA country (Belgium included), that is
billions of 16-byte uuids a year, hundreds of gigabytes. The window keeps about (2 x 3 + 1) days
x up to 50 million x 16 bytes, a few GB at the heaviest days and nothing at the demo's size; older
uuids are dropped when a newer day commits. A day landing more than the window after its neighbours
is checked only against what is left, so a repeat older than the window would count again.
"""

from __future__ import annotations

import logging
import uuid as uuidlib
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import duckdb

from orchestration.ingestion.dsa.dump import part_batches
from orchestration.ingestion.dsa.engine import DAY_TABLES, Engine, PartCounts, create_day_tables
from orchestration.ingestion.dsa.schema import ensure_dsa_schema
from orchestration.ingestion.errors import FileRejected
from orchestration.ingestion.landing import FileState, LandedFile, still_changing
from orchestration.ingestion.ledger import FileOutcome, _record, check_before_loading

log = logging.getLogger(__name__)
UUID_WINDOW_DAYS = 3
EngineFactory = Callable[[duckdb.DuckDBPyConnection, LandedFile], Engine]


def load_day(
    conn: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    engine_factory: EngineFactory,
    scratch_dir: Path | None = None,
    state: FileState | None = None,
    quiet_seconds: float = 0.0,
) -> FileOutcome:
    """Load one day's dump whole or not at all; returns its ledger outcome.

    `state` is the file's size and modification time when the run first saw it: a dump that changed since
    (still being copied in), or is younger than `quiet_seconds`, is deferred, as in `ledger.load_file`."""
    ensure_dsa_schema(conn)
    sha, outcome = check_before_loading(conn, landed, state, quiet_seconds)
    if outcome is not None:
        return outcome
    load_id = uuidlib.uuid4().hex
    conn.execute("BEGIN TRANSACTION")
    engine = None
    try:
        create_day_tables(conn)
        engine = engine_factory(conn, landed)
        totals, csv_parts = PartCounts(), 0
        # closed at once on an error: the unzipping stops
        with closing(part_batches(landed.path, scratch_dir, engine.parts_at_once)) as day:
            for batch in day:
                totals.add(engine.reduce_parts(batch, totals.rows_read + 1))
                csv_parts += len(batch)
        engine.finish_day()
        if state is not None and (why := still_changing(landed.path, state, quiet_seconds)):
            conn.execute("ROLLBACK")
            return FileOutcome(landed.name, "deferred", message=f"{landed.name}: {why}; left for the next run")
        _commit_day(conn, load_id, landed, engine.name, csv_parts, totals)
        outcome = FileOutcome(
            landed.name,
            "loaded",
            totals.rows_read,
            totals.statements_loaded,
            totals.rows_quarantined,
            message=f"{totals.rows_out_of_scope} outside Belgium, {totals.rows_repeated} seen before",
        )
        _record(conn, load_id, landed, sha, outcome)
        conn.execute("COMMIT")
        return outcome
    except FileRejected as exc:
        conn.execute("ROLLBACK")
        outcome = FileOutcome(landed.name, "rejected", message=f"{landed.name}: {exc}")
        _record(conn, load_id, landed, sha, outcome)
        return outcome
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        if engine is not None:
            engine.close()


def _commit_day(
    conn: duckdb.DuckDBPyConnection, load_id: str, landed: LandedFile, engine: str, csv_parts: int, totals: PartCounts
) -> None:
    day = {"load_id": load_id, "day": landed.export_date}
    conn.execute(
        """INSERT INTO raw.dsa_daily_counts
           SELECT $load_id, $day, month, platform_name, harm_group, source_type, sum(statements),
                  sum(automated_detections), sum(fully_automated_decisions), sum(content_removed)
           FROM dsa_day_counts GROUP BY ALL""",
        day,
    )
    conn.execute(
        """INSERT INTO raw.dsa_daily_durations
           SELECT $load_id, $day, month, platform_name, harm_group, source_type, measure, seconds, sum(statements)
           FROM dsa_day_durations GROUP BY ALL""",
        day,
    )
    conn.execute(
        """INSERT INTO raw.quarantine (load_id, source, file_name, row_number, field, reason, quarantined_at, level)
           SELECT $load_id, 'dsa', $file_name, row_number, field, reason, now(), 'row' FROM dsa_day_rejects
           ORDER BY row_number""",
        {"load_id": load_id, "file_name": landed.name},
    )
    conn.execute(
        "INSERT INTO raw.dsa_loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            landed.export_date,
            engine,
            csv_parts,
            totals.rows_read,
            totals.statements_loaded,
            totals.rows_out_of_scope,
            totals.rows_repeated,
            totals.rows_quarantined,
        ],
    )
    accounted = totals.statements_loaded + totals.rows_out_of_scope + totals.rows_repeated + totals.rows_quarantined
    if accounted != totals.rows_read:
        raise RuntimeError(f"{landed.name}: {totals.rows_read} records read but {accounted} accounted for")
    # Forget the uuids that no later day can repeat any more (older than the window before the newest day).
    newest = conn.execute("SELECT max(dump_date) FROM raw.dsa_seen_uuids").fetchone()[0]
    if newest is not None:
        conn.execute("DELETE FROM raw.dsa_seen_uuids WHERE dump_date < ?", [newest - timedelta(days=UUID_WINDOW_DAYS)])
    for table in DAY_TABLES:
        conn.execute(f"DROP TABLE {table}")
