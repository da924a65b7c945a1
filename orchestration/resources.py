"""Dagster resources: the settings and short-lived connections to the internal warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from orchestration.settings import Settings


class WarehouseResource(dg.ConfigurableResource):
    """Settings plus short-lived DuckDB connections to warehouse.duckdb.

    DuckDB allows one writing process per file and dbt runs in a subprocess, so every
    step opens the file, does its work and closes it again: nothing holds it between steps.
    Empty fields mean "from the environment" (`NCII_*`), which is how `ncii run` uses it.
    """

    landing_dir: str = ""
    warehouse_dir: str = ""

    def settings(self) -> Settings:
        env = dict(os.environ)
        if self.landing_dir:
            env["NCII_LANDING_DIR"] = self.landing_dir
        if self.warehouse_dir:
            env["NCII_WAREHOUSE_DIR"] = self.warehouse_dir
        return Settings.from_env(env)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        settings = self.settings()
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        conn = duckdb.connect(str(settings.warehouse_db), read_only=read_only)
        try:
            yield conn
        finally:
            conn.close()
