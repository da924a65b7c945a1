"""Loading one landed file: the ledger decides whether to, one transaction does it.

A file is identified by its SHA-256: the same bytes landing again (under any name) load
nothing. A file is loaded whole or not at all, with its ledger row, its raw rows and its
quarantine rows in one transaction, so a crash mid-load leaves nothing half-loaded and
rows_read = rows_loaded + rows_quarantined always holds (rows_quarantined counts the rows NOT
loaded; field-level quarantine entries belong to rows that were loaded).

A file is rejected whole (status `rejected`, one-line reason, nothing loaded) when it cannot be
read, when its name carries an impossible or future date, or when more than half of its rows
would be quarantined (MAX_QUARANTINED_SHARE): an export that is mostly broken is a broken export
(a wrong date format, a shifted column), and publishing its few readable rows would silently drop
the others from every count. A file still being written is neither loaded nor recorded
(status `deferred`): the next run looks at it again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from orchestration.ingestion.errors import FileRejected
from orchestration.ingestion.landing import FileState, LandedFile, still_changing

Reader = Callable[[duckdb.DuckDBPyConnection, LandedFile, bytes], object]
MAX_QUARANTINED_SHARE = 0.5  # more rows quarantined than this share of the rows read: the file is rejected


@dataclass(frozen=True)
class FileOutcome:
    file_name: str
    status: str  # loaded | skipped | rejected | deferred (still being written: not recorded, retried next run)
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
    """Skip a file whose bytes were already loaded (or rejected under this name); refuse a loaded name whose
    bytes changed. Bytes rejected under another name are tried again: renaming is how a wrong name is fixed."""
    if conn.execute(
        "SELECT 1 FROM raw.load_ledger WHERE file_sha256 = ? AND (status = 'loaded' OR file_name = ?)",
        [sha, landed.name],
    ).fetchone():
        return FileOutcome(landed.name, "skipped", message="already processed (same checksum)")
    if conn.execute(
        "SELECT 1 FROM raw.load_ledger WHERE file_name = ? AND status = 'loaded'", [landed.name]
    ).fetchone():
        return FileOutcome(
            landed.name, "rejected", message=f"{landed.name}: changed after landing (a loaded file was replaced)"
        )
    return None


def _record(conn, load_id: str, landed: LandedFile, sha: str, outcome: FileOutcome) -> None:
    conn.execute(
        "INSERT INTO raw.load_ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        [
            load_id,
            landed.source,
            landed.name,
            sha,
            landed.export_date,
            landed.wave,
            outcome.rows_read,
            outcome.rows_loaded,
            outcome.rows_quarantined,
            outcome.status,
            outcome.message,
            datetime.now(UTC),
        ],
    )


def mark_published(conn: duckdb.DuckDBPyConnection) -> int:
    """Loads included in the publication that just went live stop being "new" for the gate."""
    return conn.execute(
        "UPDATE raw.load_ledger SET published_at = now() WHERE status = 'loaded' AND published_at IS NULL"
    ).fetchone()[0]


def unpublished_loads(conn: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    """Loads of a source no publication has included yet: what the quality gate must still pass."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT load_id FROM raw.load_ledger WHERE source = ? AND status = 'loaded' AND published_at IS NULL",
            [source],
        ).fetchall()
    ]


def check_before_loading(
    conn: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    state: FileState | None,
    quiet_seconds: float,
    sha: str | None = None,
) -> tuple[str, FileOutcome | None]:
    """The file's checksum, and its outcome when it is not to be read now (every source's loader asks first):
    still changing (deferred, no checksum), bytes already processed (skipped, or rejected again under this
    name), or a name that makes it unusable (rejected). None: read it."""
    if state is not None and (why := still_changing(landed.path, state, quiet_seconds)):
        return "", FileOutcome(landed.name, "deferred", message=f"{landed.name}: {why}; left for the next run")
    sha = sha or file_sha256(landed.path)
    seen = _seen(conn, landed, sha)
    if seen is not None:
        if seen.status == "rejected":
            _record(conn, uuid.uuid4().hex, landed, sha, seen)
        return sha, seen
    if landed.problem is not None:
        outcome = FileOutcome(landed.name, "rejected", message=f"{landed.name}: {landed.problem}")
        _record(conn, uuid.uuid4().hex, landed, sha, outcome)
        return sha, outcome
    return sha, None


def load_file(
    conn: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    key: bytes,
    reader: Reader,
    raw_table: str,
    replace_where: tuple[str, list] | None = None,
    sha: str | None = None,
    state: FileState | None = None,
    quiet_seconds: float = 0.0,
) -> FileOutcome:
    """Read one file with `reader` (which leaves TEMP staged_rows/staged_rejects) and commit it.

    `replace_where` deletes earlier rows first in the same transaction (a re-landed survey wave);
    `sha` is the file's SHA-256 when the caller has it already; `state` is the file's size and
    modification time when the run first saw it: a file that changed since, or is younger than
    `quiet_seconds`, is deferred, checked once before reading and once more just before the commit.
    """
    sha, outcome = check_before_loading(conn, landed, state, quiet_seconds, sha)
    if outcome is not None:
        return outcome
    load_id = uuid.uuid4().hex
    conn.execute("BEGIN TRANSACTION")
    try:
        result = reader(conn, landed, key)
        lineage = "export_date" if landed.export_date is not None else "wave"
        lineage_value = landed.export_date if landed.export_date is not None else landed.wave
        if replace_where is not None:
            conn.execute(f"DELETE FROM raw.{raw_table} WHERE {replace_where[0]}", replace_where[1])
        conn.execute(
            f"INSERT INTO raw.{raw_table} BY NAME "
            f"SELECT ? AS load_id, ? AS source_file, ? AS {lineage}, * FROM staged_rows",
            [load_id, landed.name, lineage_value],
        )
        conn.execute(
            """INSERT INTO raw.quarantine (load_id, source, file_name, row_number, field, reason, quarantined_at, level)
               SELECT ?, ?, ?, row_number, field, reason, now(), level FROM staged_rejects ORDER BY row_number""",
            [load_id, landed.source, landed.name],
        )
        loaded = conn.execute("SELECT count(*) FROM staged_rows").fetchone()[0]
        quarantined = conn.execute("SELECT count(*) FROM staged_rejects WHERE level = 'row'").fetchone()[0]
        outcome = FileOutcome(landed.name, "loaded", result.rows_read, loaded, quarantined)
        if outcome.rows_read != loaded + quarantined:
            raise RuntimeError(
                f"{landed.name}: {outcome.rows_read} rows read but {loaded} loaded + {quarantined} quarantined"
            )
        if state is not None and (why := still_changing(landed.path, state, quiet_seconds)):
            conn.execute("ROLLBACK")
            return FileOutcome(landed.name, "deferred", message=f"{landed.name}: {why}; left for the next run")
        _refuse_mostly_quarantined(conn, outcome)
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


def _refuse_mostly_quarantined(conn: duckdb.DuckDBPyConnection, outcome: FileOutcome) -> None:
    """Reject the file when more than MAX_QUARANTINED_SHARE of its rows would be quarantined, naming the
    most common reason (a field name and a reason: never a value)."""
    if not outcome.rows_read or outcome.rows_quarantined <= MAX_QUARANTINED_SHARE * outcome.rows_read:
        return
    field, reason = conn.execute(
        "SELECT field, reason FROM staged_rejects WHERE level = 'row' GROUP BY ALL ORDER BY count(*) DESC, 1, 2 LIMIT 1"
    ).fetchone()
    share = 100 * outcome.rows_quarantined / outcome.rows_read
    raise FileRejected(
        f"{outcome.rows_quarantined} of {outcome.rows_read} rows would be quarantined ({share:.0f}%, more than "
        f"{MAX_QUARANTINED_SHARE:.0%}); most often {f'{field}: ' if field else ''}{reason}"
    )
