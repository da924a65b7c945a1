"""Dagster resources: the settings and short-lived connections to the internal warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from orchestration.key_fingerprint import check_pseudonym_key
from orchestration.locking import run_lock
from orchestration.settings import DUCKDB_MEMORY_LIMIT, Settings


class WarehouseResource(dg.ConfigurableResource):
    """Settings plus short-lived DuckDB connections to warehouse.duckdb.

    Settings come from the environment only (`NCII_*`): the dbt subprocess reads the same
    environment, so there is one way to point the whole pipeline somewhere else.
    DuckDB allows one writing process per file and dbt runs in a subprocess, so every step
    opens the file, does its work and closes it again: nothing holds it between steps.
    """

    def settings(self) -> Settings:
        return Settings.from_env()

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WarehouseResource]:
        """Hold the warehouse's run lock while a run uses it, however the run was started
        (the daemon's runs included); `ncii run` already holds it, and the lock is re-entrant."""
        settings = self.settings()
        with run_lock(settings):
            check_pseudonym_key(settings)  # daemon-started runs too: never a second pseudonym per case
            with super().yield_for_execution(context) as resource:
                yield resource

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        settings = self.settings()
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(
            str(settings.warehouse_db), read_only=read_only, config={"memory_limit": DUCKDB_MEMORY_LIMIT}
        )
        conn.execute("SET enable_progress_bar = false")  # long loads would draw bars into `ncii run`'s output
        try:
            yield conn
        finally:
            conn.close()
