"""Loading one landed file: the ledger decides whether to, one transaction does it.

A file is identified by its SHA-256: the same bytes landing again (under any name) load
nothing. A file is loaded whole or not at all, with its ledger row, its raw rows and its
quarantine rows in one transaction, so a crash mid-load leaves nothing half-loaded and
rows_read = rows_loaded + rows_quarantined always holds.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb

from orchestration.ingestion.errors import FileRejected
from orchestration.ingestion.landing import LandedFile

Reader = Callable[[duckdb.DuckDBPyConnection, LandedFile, bytes], object]


@dataclass(frozen=True)
class FileOutcome:
    file_name: str
    status: str  # loaded | skipped | rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str | None = None


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _seen(conn: duckdb.DuckDBPyConnection, landed: LandedFile, sha: str) -> FileOutcome | None:
    """Skip a file whose bytes were already processed; refuse a loaded name whose bytes changed."""
    if conn.execute("SELECT 1 FROM raw.load_ledger WHERE file_sha256 = ?", [sha]).fetchone():
        return FileOutcome(landed.name, "skipped", message="already loaded (same checksum)")
    if conn.execute(
        "SELECT 1 FROM raw.load_ledger WHERE file_name = ? AND status = 'loaded'", [landed.name]
    ).fetchone():
        return FileOutcome(landed.name, "rejected", message=f"{landed.name}: changed after landing (a loaded file was replaced)")
    return None


def _record(conn, load_id: str, landed: LandedFile, sha: str, outcome: FileOutcome) -> None:
    conn.execute(
        "INSERT INTO raw.load_ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [load_id, landed.source, landed.name, sha, landed.export_date, landed.wave, outcome.rows_read,
         outcome.rows_loaded, outcome.rows_quarantined, outcome.status, outcome.message, datetime.now(timezone.utc)],
    )


def mark_published(conn: duckdb.DuckDBPyConnection) -> int:
    """Loads included in the publication that just went live stop being "new" for the gate."""
    return conn.execute(
        "UPDATE raw.load_ledger SET published_at = now() WHERE status = 'loaded' AND published_at IS NULL"
    ).fetchone()[0]


def unpublished_loads(conn: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    """Loads of a source no publication has included yet: what the quality gate must still pass."""
    return [r[0] for r in conn.execute(
        "SELECT load_id FROM raw.load_ledger WHERE source = ? AND status = 'loaded' AND published_at IS NULL", [source]
    ).fetchall()]


def load_file(
    conn: duckdb.DuckDBPyConnection, landed: LandedFile, key: bytes, reader: Reader, raw_table: str,
    replace_where: tuple[str, list] | None = None, sha: str | None = None,
) -> FileOutcome:
    """Read one file with `reader` (which leaves TEMP staged_rows/staged_rejects) and commit it.

    `replace_where` deletes earlier rows first in the same transaction (a re-landed survey wave);
    `sha` is the file's SHA-256 when the caller has it already.
    """
    sha = sha or file_sha256(landed.path)
    seen = _seen(conn, landed, sha)
    if seen is not None:
        if seen.status == "rejected":
            _record(conn, uuid.uuid4().hex, landed, sha, seen)
        return seen
    load_id = uuid.uuid4().hex
    conn.execute("BEGIN TRANSACTION")
    try:
        result = reader(conn, landed, key)
        lineage = "export_date" if landed.export_date is not None else "wave"
        lineage_value = landed.export_date if landed.export_date is not None else landed.wave
        if replace_where is not None:
            conn.execute(f"DELETE FROM raw.{raw_table} WHERE {replace_where[0]}", replace_where[1])
        conn.execute(
            f"INSERT INTO raw.{raw_table} BY NAME SELECT ? AS load_id, ? AS source_file, ? AS {lineage}, * FROM staged_rows",
            [load_id, landed.name, lineage_value],
        )
        conn.execute(
            """INSERT INTO raw.quarantine
               SELECT ?, ?, ?, row_number, field, reason, now() FROM staged_rejects ORDER BY row_number""",
            [load_id, landed.source, landed.name],
        )
        loaded = conn.execute("SELECT count(*) FROM staged_rows").fetchone()[0]
        quarantined = conn.execute("SELECT count(*) FROM staged_rejects").fetchone()[0]
        outcome = FileOutcome(landed.name, "loaded", result.rows_read, loaded, quarantined)
        if outcome.rows_read != loaded + quarantined:
            raise RuntimeError(f"{landed.name}: {outcome.rows_read} rows read but {loaded} loaded + {quarantined} quarantined")
        _record(conn, load_id, landed, sha, outcome)
        conn.execute("DROP TABLE staged_rows")
        conn.execute("DROP TABLE staged_rejects")
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
