"""The one Dagster `Definitions` of the warehouse: landing -> raw -> dbt models -> monitoring -> published."""

from __future__ import annotations

import dagster as dg

from orchestration.automation import build_automation
from orchestration.checks.assets import ASSET_CHECKS
from orchestration.ingestion.assets import INGESTION_ASSETS
from orchestration.ingestion.dsa.assets import raw_dsa
from orchestration.monitoring.assets import source_monitoring
from orchestration.publishing.assets import published_marts
from orchestration.resources import WarehouseResource
from orchestration.transformation.dbt_assets import dbt_resource, warehouse_dbt_models

MAIN_JOB_NAME = "ncii_main"

# One process, one step at a time: DuckDB takes one writer per file and dbt is a subprocess.
main_job = dg.define_asset_job(MAIN_JOB_NAME, selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor)

sensors, schedules = build_automation(main_job)

defs = dg.Definitions(
    assets=[*INGESTION_ASSETS, raw_dsa, warehouse_dbt_models, source_monitoring, published_marts],
    asset_checks=ASSET_CHECKS,
    jobs=[main_job],
    sensors=sensors,
    schedules=schedules,
    resources={"warehouse": WarehouseResource(), "dbt": dbt_resource()},
    # Runs the daemon starts print to `ncii dev`'s console: INFO, not Dagster's default DEBUG (hundreds of lines).
    loggers={"console": dg.colored_console_logger.configured({"log_level": "INFO"})},
)
