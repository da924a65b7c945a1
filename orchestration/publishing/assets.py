"""The publish step as an asset: it runs only after every mart (and its checks) materialised."""

from __future__ import annotations

import dagster as dg

from orchestration.ingestion.ledger import mark_published
from orchestration.publishing.publish import publish_marts
from orchestration.reporting.dbt_docs import generate_dbt_docs
from orchestration.reporting.report import build_report
from orchestration.resources import WarehouseResource
from orchestration.settings import PUBLISHED_MARTS


@dg.asset(
    group_name="published",
    deps=[dg.AssetKey(mart) for mart in PUBLISHED_MARTS],
    description="The marts as analysts read them: published.duckdb (read-only) and published/<mart>.parquet.",
)
def published_marts(warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = warehouse.settings()
    publication = publish_marts(settings)
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
        }
    )
