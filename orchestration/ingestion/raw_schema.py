"""The raw layer: the tables ingestion writes and dbt reads (schema `raw` of warehouse.duckdb).

This is the interface between the Python ingestion and the dbt models. Rules that hold for
every raw table:

* No personal data: names, phones, e-mails and free-text summaries never get here.
* Case references are keyed pseudonyms (HMAC-SHA256 truncated to 128 bits, as UHUGEINT; see
  `pseudonymise.py`) of the source reference, so a case and its takedown requests still join and
  a case keeps its key across exports.
* Values are typed (timestamps as TIMESTAMPTZ, ages as INTEGER) but codes keep the source
  vocabulary (`V`, `Telefoon 116000`, `deepfake_nude`, ...): mapping to canonical values is
  the dbt models' job, through the seeds. Only codes the code map lists get here.
* No free text: a platform name is kept only as its descriptor (keyed hash and shape, see
  `orchestration/privacy.py`); `platform_alias_keys` maps the hashes of the alias seed's names
  to their platform, rebuilt from the seed by every run, so the models map names by hash.
* Every row carries its lineage: `load_id` (the ledger entry), `source_file`,
  `export_date` (the date in the file name) and `row_number` (1-based data row in the file).
* A file is loaded whole or not at all (one transaction), so the ledger always reconciles:
  rows_read = rows_loaded + rows_quarantined.
"""

from __future__ import annotations

import duckdb

from orchestration.ingestion.pseudonymise import pseudonym_from_hex_sql
from orchestration.sources import loaded_by_reader

RAW_SCHEMA = "raw"

# The tables every source shares; each source's own table is declared in orchestration/sources.py.
SHARED_DDL: dict[str, str] = {
    "load_ledger": """
        CREATE TABLE IF NOT EXISTS raw.load_ledger (
            load_id          VARCHAR PRIMARY KEY,
            source           VARCHAR NOT NULL,   -- a source of orchestration/sources.py
            file_name        VARCHAR NOT NULL,
            file_sha256      VARCHAR NOT NULL,
            export_date      DATE,               -- date in the file name (survey: NULL)
            wave             VARCHAR,            -- survey wave (others: NULL)
            rows_read        BIGINT NOT NULL,
            rows_loaded      BIGINT NOT NULL,
            rows_quarantined BIGINT NOT NULL,
            status           VARCHAR NOT NULL,   -- loaded | rejected
            message          VARCHAR,            -- one line; why a file was rejected
            loaded_at        TIMESTAMPTZ NOT NULL,
            published_at     TIMESTAMPTZ         -- the publication that first included it; NULL until then
        )""",
    "quarantine": """
        CREATE TABLE IF NOT EXISTS raw.quarantine (
            load_id        VARCHAR NOT NULL,
            source         VARCHAR NOT NULL,
            file_name      VARCHAR NOT NULL,
            row_number     BIGINT,               -- 1-based data row; NULL when the whole file is concerned
            field          VARCHAR,              -- the column at fault, when there is one
            reason         VARCHAR NOT NULL,     -- never contains personal data or free text
            quarantined_at TIMESTAMPTZ NOT NULL,
            level          VARCHAR NOT NULL DEFAULT 'row'  -- row: the row was not loaded; field: the row was
                                                           -- loaded with this field set to NULL (unknown)
        )""",
    "landing_notes": """
        CREATE TABLE IF NOT EXISTS raw.landing_notes (
            scope     VARCHAR NOT NULL,   -- the source whose run wrote it, or `landing` for the whole folder
            kind      VARCHAR NOT NULL,   -- near_miss | symlink | folder | other_file | still_changing
            file_name VARCHAR NOT NULL,   -- the name only (made by an operator), never the content
            source    VARCHAR,            -- the source a near miss or an unfinished file was meant for
            note      VARCHAR NOT NULL,   -- one line: why it was not loaded
            noted_at  TIMESTAMPTZ NOT NULL
        )""",
    "platform_alias_keys": """
        CREATE TABLE IF NOT EXISTS raw.platform_alias_keys (
            name_hash VARCHAR PRIMARY KEY,  -- descriptor hash of an alias of seeds/platform_aliases.csv
            platform  VARCHAR NOT NULL
        )""",
}


def source_ddl() -> dict[str, str]:
    """The raw table of every source a reader loads, from its declaration."""
    return {s.raw_table: s.ddl() for s in loaded_by_reader()}


# The pseudonym columns, which warehouses built before 2026-12 hold as 64 hexadecimal characters.
PSEUDONYM_COLUMNS = {(s.raw_table, c) for s in loaded_by_reader() for c in s.pseudonym_columns}


def ensure_raw_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and its tables if they are missing, and bring older tables up to date (idempotent)."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}")
    _refuse_free_text_columns(conn)
    for ddl in [*SHARED_DDL.values(), *source_ddl().values()]:
        conn.execute(ddl)
    # warehouses built before field-level entries existed: every entry they hold is a row not loaded
    conn.execute(f"ALTER TABLE {RAW_SCHEMA}.quarantine ADD COLUMN IF NOT EXISTS level VARCHAR DEFAULT 'row'")
    _migrate_hex_pseudonyms(conn)
    # the dsa tables too, so the models build on a warehouse that never saw a dump
    from orchestration.ingestion.dsa.schema import ensure_dsa_schema

    ensure_dsa_schema(conn)


def _migrate_hex_pseudonyms(conn: duckdb.DuckDBPyConnection) -> None:
    """Hexadecimal pseudonyms become the 128-bit ones new loads get, so old and new rows of a case still join.

    The models' incremental tables are rebuilt whole afterwards: the staging models that read these
    columns changed with them, which changes the fingerprint of every table downstream.
    """
    text_columns = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND data_type = 'VARCHAR'",
        [RAW_SCHEMA],
    ).fetchall()
    for table, column in set(text_columns) & PSEUDONYM_COLUMNS:
        conn.execute(
            f"ALTER TABLE {RAW_SCHEMA}.{table} ALTER {column} "
            f"SET DATA TYPE UHUGEINT USING {pseudonym_from_hex_sql(column)}"
        )


# Columns of warehouses built before platform names were stored as descriptors: they hold the names as typed.
FREE_TEXT_COLUMNS = {(s.raw_table, c) for s in loaded_by_reader() for c in s.legacy_free_text_columns}


class OutdatedWarehouse(RuntimeError):
    """The raw tables hold free text from an older version: the warehouse must be rebuilt, not migrated."""


def _refuse_free_text_columns(conn: duckdb.DuckDBPyConnection) -> None:
    """An older warehouse kept platform names as typed. Dropping the columns in place would leave the old
    bytes in the file's free blocks, so it is rebuilt from the landing files instead (README, Upgrading)."""
    found = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?", [RAW_SCHEMA]
    ).fetchall()
    if FREE_TEXT_COLUMNS & set(found):
        raise OutdatedWarehouse(
            "warehouse.duckdb was built by an older version that kept platform names as typed; rebuild it: "
            "move NCII_WAREHOUSE_DIR aside and run `ncii run` again (README, Upgrading)"
        )
