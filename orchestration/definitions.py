"""The one Dagster `Definitions` of the warehouse: landing -> raw -> dbt models -> monitoring -> published.

`build_definitions(settings)` makes it for one warehouse: `ncii run` builds it from its own settings. `defs` is
what `dagster dev`, the daemon and their run workers load (`-m orchestration.definitions`): the edge where the
settings are read from the environment, once per load, and only when Dagster loads them (importing this
module reads nothing).
"""

from __future__ import annotations

import dagster as dg

from orchestration.automation import build_automation
from orchestration.checks.assets import ASSET_CHECKS
from orchestration.ingestion.assets import INGESTION_ASSETS
from orchestration.ingestion.dsa.assets import raw_dsa
from orchestration.monitoring.assets import source_monitoring
from orchestration.publishing.assets import published_marts
from orchestration.resources import WarehouseResource
from orchestration.settings import Settings
from orchestration.transformation.dbt_assets import dbt_resource, warehouse_dbt_models

MAIN_JOB_NAME = "ncii_main"

# One process, one step at a time: DuckDB takes one writer per file and dbt is a subprocess.
main_job = dg.define_asset_job(MAIN_JOB_NAME, selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor)


def build_definitions(settings: Settings) -> dg.Definitions:
    """The assets, checks, job, sensors and schedule, with resources and sensors on the warehouse of `settings`."""
    sensors, schedules = build_automation(main_job, settings)
    return dg.Definitions(
        assets=[*INGESTION_ASSETS, raw_dsa, warehouse_dbt_models, source_monitoring, published_marts],
        asset_checks=ASSET_CHECKS,
        jobs=[main_job],
        sensors=sensors,
        schedules=schedules,
        resources={"warehouse": WarehouseResource.from_settings(settings), "dbt": dbt_resource()},
        # Runs the daemon starts print to `ncii dev`'s console: INFO, not Dagster's default DEBUG (hundreds of lines).
        loggers={"console": dg.colored_console_logger.configured({"log_level": "INFO"})},
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(Settings.from_env())
