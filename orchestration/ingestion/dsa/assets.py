"""The dsa source as a Dagster asset: each new daily dump reduced to the compact daily aggregate."""

import logging

import dagster as dg

from orchestration.ingestion.assets import RejectedFiles
from orchestration.ingestion.dsa.ingest import ingest_dsa
from orchestration.resources import WarehouseResource

RAW_DSA_TABLES = ("dsa_daily_counts", "dsa_daily_durations", "dsa_loads")
log = logging.getLogger(__name__)


@dg.multi_asset(
    specs=[dg.AssetSpec(f"raw_{table}", group_name="raw") for table in RAW_DSA_TABLES],
    name="raw_dsa",
    description="The EU DSA Transparency Database's daily dumps (`sor-global-YYYY-MM-DD-full.zip`): Belgian "
    "statements, each uuid once, reduced per day to counts and exact duration histograms by the engine "
    "of NCII_DSA_ENGINE (duckdb, or spark); every day in the load ledger, bad records quarantined.",
)
def raw_dsa(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = warehouse.settings()
    with warehouse.connect() as conn:
        outcomes = ingest_dsa(conn, settings)
    rejected = [o for o in outcomes if o.status == "rejected"]
    metadata = {
        "engine": settings.dsa_engine,
        "days_loaded": sum(o.status == "loaded" for o in outcomes),
        "days_skipped": sum(o.status == "skipped" for o in outcomes),
        "days_rejected": len(rejected),
        "statements_loaded": sum(o.rows_loaded for o in outcomes),
        "rows_quarantined": sum(o.rows_quarantined for o in outcomes),
    }
    if rejected:
        raise RejectedFiles("input unusable: " + "; ".join(o.message or o.file_name for o in rejected))
    for table in RAW_DSA_TABLES:
        yield dg.MaterializeResult(asset_key=f"raw_{table}", metadata=metadata)
