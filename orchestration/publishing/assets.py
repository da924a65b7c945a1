"""The publish step as an asset: it runs only after every mart (and its checks) materialised."""

import dagster as dg

from orchestration.disclosure.audit import DisclosureError
from orchestration.ingestion.ledger import mark_published
from orchestration.monitoring.alerts import clear_pipeline_alerts
from orchestration.publishing.publish import publish_marts
from orchestration.reporting.dbt_docs import generate_dbt_docs
from orchestration.reporting.report import build_report
from orchestration.resources import WarehouseResource
from orchestration.settings import PUBLISHED_MARTS, PUBLISHED_MONITORING


@dg.asset(
    group_name="published",
    deps=[*(dg.AssetKey(mart) for mart in PUBLISHED_MARTS), dg.AssetKey("source_monitoring")],
    description="The marts as analysts read them: published.duckdb (read-only) and published/<mart>.parquet, "
    "with the monitoring history (monitoring_checks) and the alerts beside them.",
)
def published_marts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with warehouse.connect() as conn:
        clear_pipeline_alerts(conn)  # this run gets through the gate: earlier blocked runs are over
    try:
        publication = publish_marts(settings, extra_tables=PUBLISHED_MONITORING)
    except DisclosureError as refused:  # the one-line reason names the first; the on-call engineer needs them all
        for line in refused.result.lines():
            context.log.error(line)
        raise
    with warehouse.connect() as conn:
        mark_published(conn)
    generate_dbt_docs(settings)  # only when the models changed; the report links to it
    report = build_report(settings)  # the report always shows the publication that is live
    return dg.MaterializeResult(
        metadata={
            "published_db": dg.MetadataValue.path(str(publication.published_db)),
            "parquet_dir": dg.MetadataValue.path(str(publication.parquet_dir)),
            "report": dg.MetadataValue.path(str(report)),
            **{f"rows_{mart}": count for mart, count in publication.row_counts.items()},
            "disclosure_audit": publication.audit.summary(),
        }
    )
