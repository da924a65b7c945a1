"""What a dsa engine does with the CSV parts, and the day tables it fills (the same for both engines).

An engine reads extracted CSV parts (one or a few at a time), sets malformed records aside, counts the
statements outside Belgium, drops the Belgian statements whose uuid was seen before (in the window of
earlier dumps or earlier in this day), remembers the new uuids and adds the parts' compact aggregate to
TEMP tables of the load's transaction. The loader (`load.py`) sums the parts and commits the day at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import duckdb

from orchestration.ingestion.dsa.dump import Part

# Filled part by part inside the load's transaction; summed into the raw tables at the end of the day.
DAY_TABLES = {
    "dsa_day_counts": """(month DATE, platform_name VARCHAR, harm_group VARCHAR, source_type VARCHAR,
                          statements BIGINT, automated_detections BIGINT, fully_automated_decisions BIGINT,
                          content_removed BIGINT)""",
    "dsa_day_durations": """(month DATE, platform_name VARCHAR, harm_group VARCHAR, source_type VARCHAR,
                             measure VARCHAR, seconds BIGINT, statements BIGINT)""",
    "dsa_day_rejects": "(row_number BIGINT, field VARCHAR, reason VARCHAR)",
}
MALFORMED = "malformed row: wrong number of fields"
BAD_UTF8 = "bad UTF-8"


@dataclass
class PartCounts:
    rows_read: int = 0
    statements_loaded: int = 0
    rows_out_of_scope: int = 0
    rows_repeated: int = 0
    rows_quarantined: int = 0

    def add(self, other: PartCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class Engine(Protocol):
    name: str
    parts_at_once: int  # CSV files read in one pass (the loader hands over batches of up to this many)

    def reduce_parts(self, parts: Sequence[Part], first_row: int) -> PartCounts:
        """Reduce consecutive parts; their records are numbered from `first_row` in the day's quarantine."""

    def finish_day(self) -> None:
        """Write what the engine kept outside DuckDB (Spark: the day's new uuids) into the transaction."""

    def close(self) -> None:
        """Release what the engine holds (temporary tables, scratch files)."""


def create_day_tables(conn: duckdb.DuckDBPyConnection) -> None:
    for table, columns in DAY_TABLES.items():
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {table} {columns}")


def window(dump_date: date, days: int) -> tuple[date, date]:
    """The dump dates whose uuids a day is checked against (both sides: days may land out of order)."""
    from datetime import timedelta

    return dump_date - timedelta(days=days), dump_date + timedelta(days=days)
