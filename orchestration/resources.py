"""Dagster resources: the settings of the run and short-lived connections to the internal warehouse."""

# No `from __future__ import annotations`: Dagster reads `ResourceDependency` from the evaluated annotations.
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from orchestration import database
from orchestration.key_fingerprint import check_pseudonym_key
from orchestration.locking import run_lock
from orchestration.settings import Settings


@dataclass(frozen=True)
class WarehouseSecrets:
    """The settings Dagster must never show: the pseudonym key and the webhook URL (whoever has it can post).

    Dagster shows a resource's config in its UI and keeps it in the code location's snapshot, so these are not
    config fields: the warehouse resource holds them as a dependency on a plain object, which Dagster lists by
    its type name only. `repr` leaves them out too.
    """

    pseudonym_key: bytes | None = field(default=None, repr=False)
    alert_webhook_url: str | None = field(default=None, repr=False)


class WarehouseResource(dg.ConfigurableResource):
    """The settings of the run, plus short-lived DuckDB connections to warehouse.duckdb.

    Made from a `Settings` value (`from_settings`) where the definitions are built: `ncii run` hands its own,
    `dagster dev` and the daemon the one the definitions module read from the environment. The fields are the
    settings Dagster may show; `settings()` gives the value back and reads no environment.
    DuckDB allows one writing process per file and dbt runs in a subprocess, so every step
    opens the file, does its work and closes it again: nothing holds it between steps.
    """

    landing_dir: str
    warehouse_dir: str
    suppression_k: int
    drift_baseline_months: int
    freshness_days: int
    landing_quiet_seconds: float
    dsa_engine: str
    spark_master: str | None = None
    dsa_scratch_dir: str | None = None
    secrets: dg.ResourceDependency[WarehouseSecrets]

    @classmethod
    def from_settings(cls, settings: Settings) -> "WarehouseResource":
        return cls(
            landing_dir=str(settings.landing_dir),
            warehouse_dir=str(settings.warehouse_dir),
            suppression_k=settings.suppression_k,
            drift_baseline_months=settings.drift_baseline_months,
            freshness_days=settings.freshness_days,
            landing_quiet_seconds=settings.landing_quiet_seconds,
            dsa_engine=settings.dsa_engine,
            spark_master=settings.spark_master,
            dsa_scratch_dir=str(settings.dsa_scratch_dir) if settings.dsa_scratch_dir else None,
            secrets=WarehouseSecrets(settings.pseudonym_key, settings.alert_webhook_url),
        )

    def settings(self) -> Settings:
        """The settings this resource was made from (checked again: config given at launch could differ)."""
        return Settings(
            landing_dir=Path(self.landing_dir),
            warehouse_dir=Path(self.warehouse_dir),
            pseudonym_key=self.secrets.pseudonym_key,
            alert_webhook_url=self.secrets.alert_webhook_url,
            suppression_k=self.suppression_k,
            drift_baseline_months=self.drift_baseline_months,
            freshness_days=self.freshness_days,
            dsa_engine=self.dsa_engine,
            spark_master=self.spark_master,
            dsa_scratch_dir=Path(self.dsa_scratch_dir) if self.dsa_scratch_dir else None,
            landing_quiet_seconds=self.landing_quiet_seconds,
        )

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
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
        conn = database.connect(settings.warehouse_db, read_only=read_only)
        try:
            yield conn
        finally:
            conn.close()
