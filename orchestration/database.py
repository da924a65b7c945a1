"""Every DuckDB connection the pipeline opens goes through `connect`: the memory cap and no progress bar.

DuckDB's default takes 80% of the machine's memory and holds on to it; with the cap (`DUCKDB_MEMORY_LIMIT`,
the same one dbt's connection gets) it spills to disk instead. Long statements would draw progress bars into
`ncii run`'s output. tests/test_settings_value.py checks that no other module calls `duckdb.connect`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from orchestration.settings import DUCKDB_MEMORY_LIMIT


def connect(
    database: Path | str = ":memory:", *, read_only: bool = False, config: Mapping[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to `database` (a file, or an in-memory database) with the memory cap and no progress bar.

    `config` adds DuckDB options (the published file's sandbox); `lock_configuration` is applied last, once
    the progress bar is off, since nothing can be SET after it.
    """
    options = {"memory_limit": DUCKDB_MEMORY_LIMIT, **(config or {})}
    lock = bool(options.pop("lock_configuration", False))
    conn = duckdb.connect(str(database), read_only=read_only, config=options)
    try:
        conn.execute("SET enable_progress_bar = false")  # a session option: DuckDB takes it in no `config`
        if lock:
            conn.execute("SET lock_configuration = true")
    except BaseException:
        conn.close()
        raise
    return conn
