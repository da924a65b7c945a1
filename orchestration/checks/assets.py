"""The quality gate as Dagster asset checks: one blocking GX check per raw batch and per mart.

A failed ERROR expectation fails its check, and a blocking check stops everything downstream in
the run: nothing is published and the previous publication stays as it was.
"""

import dagster as dg

from orchestration.checks import frames
from orchestration.checks.gx_suites import SuiteResult, release_memory, validate_frame
from orchestration.checks.report import record_result
from orchestration.ingestion.ledger import unpublished_loads
from orchestration.resources import WarehouseResource
from orchestration.settings import PUBLISHED_MARTS


def _result(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, result: SuiteResult
) -> dg.AssetCheckResult:
    page = record_result(warehouse.settings(), context.run.run_id, result)
    warned = any(not o.success for o in result.outcomes)
    return dg.AssetCheckResult(
        passed=not warned,
        severity=dg.AssetCheckSeverity.ERROR if result.failed_errors else dg.AssetCheckSeverity.WARN,
        description=result.summary(),
        metadata={
            "rows": result.rows,
            "failed": [o.expectation for o in result.failed],
            "report": dg.MetadataValue.path(str(page)),
        },
    )


def _raw_check(suite: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(suite),
        name=f"gx_{suite}",
        blocking=True,
        description=f"Great Expectations suite expectations/{suite}.json on every load not yet published "
        "(a batch that failed keeps blocking until it passes).",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as conn:
            frame = frames.raw_batch(conn, suite, unpublished_loads(conn, frames.RAW_SUITES[suite][0]))
        if frame.empty:
            return dg.AssetCheckResult(passed=True, description="no rows waiting for publication")
        result = validate_frame(suite, frame, warehouse.settings().suppression_k)
        del frame
        release_memory()
        return _result(context, warehouse, result)

    return _check


def _mart_check(mart: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(mart),
        name=f"gx_{mart}",
        blocking=True,
        description=f"Great Expectations suite expectations/{mart}.json on the whole mart before it is published.",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect(read_only=True) as conn:
            frame = frames.mart(conn, mart)
        return _result(context, warehouse, validate_frame(mart, frame, warehouse.settings().suppression_k))

    return _check


ASSET_CHECKS = [*(_raw_check(s) for s in frames.RAW_SUITES), *(_mart_check(m) for m in PUBLISHED_MARTS)]
