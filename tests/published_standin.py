"""A small stand-in warehouse with the published tables' real shapes, published by the real code.

For the tests of the analyst surface (sandboxed SQL, exports, Parquet readers), which need a
publication in seconds rather than a pipeline run.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.monitoring.store import ensure_schema
from orchestration.publishing.publish import Publication, publish_marts
from orchestration.settings import PUBLISHED_MARTS, PUBLISHED_MONITORING, Settings, create_demo_key
from tests.conftest import make_settings

# Rows inserted out of grain order on purpose: exports must sort them. The numbers pass the disclosure audit (the
# gate refuses anything else): no complement from 1 to k-1, no month total that pins its one suppressed cell.
PLATFORM_MONTHLY = """
CREATE OR REPLACE TABLE marts.platform_monthly AS
SELECT * FROM (VALUES
    (DATE '2026-02-01', 'igvm', 'x', 'deepnude', 12, 5, 25, 10, 0.5, 30.5, false),
    (DATE '2026-01-01', 'childfocus', 'snapchat', 'deepnude', 40, 22, 30, 20, 0.8, 12.0, false),
    (DATE '2026-02-01', 'childfocus', 'tiktok', 'sextortion', NULL, NULL, NULL, NULL, NULL, NULL, true),
    (DATE '2026-01-01', 'childfocus', 'instagram', 'other', 8, NULL, 5, 5, 1.0, 48.0, true)
) AS t(month, source, platform, incident_type, cases, ai_generated_cases, takedown_requests, takedowns_removed,
       removal_rate, median_hours_to_removal, suppressed)
"""


def make_warehouse(warehouse: Path, landing: Path, version: int = 1) -> Settings:
    """A warehouse holding every published table (plus raw data and a key file that must stay out of reach)."""
    settings = make_settings(landing, warehouse)
    warehouse.mkdir(parents=True, exist_ok=True)
    create_demo_key(warehouse)
    conn = duckdb.connect(str(settings.warehouse_db))
    conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
    conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
    conn.execute("CREATE OR REPLACE TABLE raw.secret_rows AS SELECT 'not for analysts' AS note")
    conn.execute(PLATFORM_MONTHLY)
    for mart in PUBLISHED_MARTS[1:]:
        conn.execute(f"CREATE OR REPLACE TABLE marts.{mart} AS SELECT {version} AS version, range AS n FROM range(50)")
    ensure_schema(conn)
    conn.execute(
        "INSERT INTO monitoring.checks VALUES ('run-1', TIMESTAMPTZ '2026-03-01 10:00:00+00', 'childfocus', "
        "'volume', 'cases', DATE '2026-01-01', 48, 1.2, 3.0, 'ok', 'volume within range')"
    )
    conn.close()
    return settings


def publish_standin(warehouse: Path, landing: Path, version: int = 1) -> tuple[Settings, Publication]:
    settings = make_warehouse(warehouse, landing, version)
    return settings, publish_marts(settings, extra_tables=PUBLISHED_MONITORING)
