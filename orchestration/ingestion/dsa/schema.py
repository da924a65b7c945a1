"""The dsa source's raw tables: the compact daily aggregate both engines write, and what dedup remembers.

A day of 15-75 million statements is reduced to counts and exact-median histograms at the grain
dump day x application month x platform name x harm group x source type; the dbt models read only these.

Medians cannot be merged from medians, so durations are kept as histograms: (measure, seconds,
statements). The dump's timestamps have whole seconds, so a histogram at second resolution is
exact: summing the histograms of several days and cutting them at the middle gives the exact
median (the mean of the two middle values for an even count). It stays small because durations
cluster: `content_date` and `application_date` are mostly midnights (whole days), and a day's
`created_at` spans 86,400 seconds at most per application date.
"""

from __future__ import annotations

import duckdb

DDL = (
    """CREATE TABLE IF NOT EXISTS raw.dsa_daily_counts (
        load_id                   VARCHAR NOT NULL,
        dump_date                 DATE NOT NULL,     -- the date in the dump's file name
        month                     DATE NOT NULL,     -- first day of the month of application_date (UTC)
        platform_name             VARCHAR NOT NULL,  -- as the platform files it (public, not personal data)
        harm_group                VARCHAR,           -- seeds/dsa_harm_groups.csv; NULL: in no harm group
        source_type               VARCHAR,           -- seeds/dsa_source_types.csv; NULL: an unlisted key
        statements                BIGINT NOT NULL,
        automated_detections      BIGINT NOT NULL,   -- automated_detection = Yes
        fully_automated_decisions BIGINT NOT NULL,   -- AUTOMATED_DECISION_FULLY
        content_removed           BIGINT NOT NULL    -- decision_visibility holds DECISION_VISIBILITY_CONTENT_REMOVED
    )""",
    """CREATE TABLE IF NOT EXISTS raw.dsa_daily_durations (
        load_id       VARCHAR NOT NULL,
        dump_date     DATE NOT NULL,
        month         DATE NOT NULL,
        platform_name VARCHAR NOT NULL,
        harm_group    VARCHAR,
        source_type   VARCHAR,
        measure       VARCHAR NOT NULL,  -- decision: content_date -> application_date;
                                         -- database: application_date -> created_at
        seconds       BIGINT NOT NULL,
        statements    BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS raw.dsa_seen_uuids (
        dump_date DATE NOT NULL,
        uuid      UUID NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS raw.dsa_loads (
        load_id           VARCHAR PRIMARY KEY,  -- the load_ledger row of the day
        dump_date         DATE NOT NULL,
        engine            VARCHAR NOT NULL,     -- duckdb | spark
        csv_parts         INTEGER NOT NULL,
        rows_read         BIGINT NOT NULL,      -- = statements_loaded + rows_out_of_scope + rows_repeated
                                                --   + rows_quarantined
        statements_loaded BIGINT NOT NULL,      -- Belgian, first copy, well-formed
        rows_out_of_scope BIGINT NOT NULL,      -- territorial_scope without BE
        rows_repeated     BIGINT NOT NULL,      -- a Belgian statement whose uuid was seen before
        rows_quarantined  BIGINT NOT NULL
    )""",
)


def ensure_dsa_schema(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for ddl in DDL:
        conn.execute(ddl)
