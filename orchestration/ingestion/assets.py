"""Ingestion as Dagster assets: one raw table per source, loaded from the landing folder."""

import dagster as dg

from orchestration.ingestion.ingest import ingest_source
from orchestration.ingestion.platform_aliases import write_platform_alias_keys
from orchestration.monitoring.alerts import raise_landing_alerts
from orchestration.resources import WarehouseResource
from orchestration.sources import loaded_by_reader


class RejectedFiles(Exception):
    """A landed file could not be used: the run stops before anything is published."""


def _raw_asset(asset_name: str, source: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=asset_name,
        group_name="raw",
        description=f"Raw `{source}` rows from the landing folder: personal data dropped, references pseudonymised, "
        "bad rows quarantined, every file in the load ledger.",
    )
    def _load(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as conn:
            summary = ingest_source(conn, warehouse.settings(), source)
            raise_landing_alerts(conn, context.run.run_id, summary.notes)  # delivered with the run's other alerts
        metadata = {
            "files_loaded": summary.count("loaded"),
            "files_skipped": summary.count("skipped"),
            "files_rejected": summary.count("rejected"),
            "files_deferred": summary.count("deferred"),
            "rows_loaded": summary.rows_loaded,
            "rows_quarantined": summary.rows_quarantined,
            "quarantine_reasons": dg.MetadataValue.json(dict(summary.quarantine_reasons)),
            "field_defects": dg.MetadataValue.json(dict(summary.field_reasons)),
            "landing_notes": dg.MetadataValue.json([f"{n.file_name}: {n.note}" for n in summary.notes]),
        }
        if summary.rejected:
            context.add_output_metadata(metadata)
            reasons = "; ".join(f.message or f.file_name for f in summary.rejected)
            raise RejectedFiles(f"input unusable: {reasons}")
        return dg.MaterializeResult(metadata=metadata)

    return _load


@dg.asset(
    name="raw_platform_alias_keys",
    group_name="raw",
    description="The platform alias seed as keyed hashes, rebuilt every run: raw tables hold platform names only "
    "as hashes, and the models map them through this table.",
)
def raw_platform_alias_keys(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        aliases = write_platform_alias_keys(conn, warehouse.settings().require_key())
    return dg.MaterializeResult(metadata={"aliases": aliases})


INGESTION_ASSETS = [*(_raw_asset(s.asset, s.name) for s in loaded_by_reader()), raw_platform_alias_keys]
