"""Drift monitoring as a Dagster asset with one asset check per (source, check).

The checks are not blocking: drift is news for people, not a reason to withhold figures
that passed the quality gate. A WARN check does not fail a run and nobody reads the UI at a
helpline, so the asset also records every result in `monitoring.checks`, raises alerts and
delivers them to the webhook itself.
"""

from datetime import date

import dagster as dg

from orchestration.monitoring import drift
from orchestration.monitoring.alerts import deliver_pending, raise_drift_alerts
from orchestration.monitoring.checks import SOURCES, CheckResult, run_checks
from orchestration.monitoring.dsa_drift import run_dsa_checks
from orchestration.monitoring.store import record_checks
from orchestration.resources import WarehouseResource

CHECK_NAMES = {
    "freshness": "a new export arrived within the expected cadence",
    "volume": "cases (requests) in the period within a robust band of the baseline months",
    "distribution_shift": "platform mix, victim gender, age band and channel shares stable (PSI and chi-square)",
    "missing_rate": "no field's empty share rose by 10 points or more",
    "unmapped_value": "every platform name and code is in the taxonomy seeds",
}
INTERMEDIATE_MODELS = ("int_cases", "int_case_platforms", "int_takedown_requests")


def _check_name(source: str, check: str) -> str:
    return f"drift_{source}_{check}"


@dg.asset(
    group_name="monitoring",
    deps=[*(dg.AssetKey(model) for model in INTERMEDIATE_MODELS), dg.AssetKey("raw_dsa_loads")],
    check_specs=[
        dg.AssetCheckSpec(
            _check_name(spec.source, check), asset="source_monitoring", description=f"{spec.source}: {words}"
        )
        for spec in SOURCES
        for check, words in CHECK_NAMES.items()
    ],
    description="Drift checks of each helpline source (latest complete month against the trailing baseline), "
    "kept in monitoring.checks; new warn/error conditions become alerts sent to NCII_ALERT_WEBHOOK_URL.",
)
def source_monitoring(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = warehouse.settings()
    report = str(settings.report_path)
    with warehouse.connect() as conn:
        results = run_checks(
            conn,
            today=date.today(),
            baseline_months=settings.drift_baseline_months,
            cadence_days=settings.freshness_days,
            k=settings.suppression_k,
        )
        results += run_dsa_checks(conn)  # dsa: by dump day (missing day, platform volume, harm group gone)
        record_checks(conn, context.run.run_id, results)
        new_alerts = raise_drift_alerts(conn, context.run.run_id, results, report)
        delivery = deliver_pending(conn, settings.alert_webhook_url, context.log)
    context.log.info(
        f"{len(results)} drift results, {new_alerts} new alerts; delivered {delivery.delivered}, "
        f"pending {delivery.pending}, log only {delivery.logged}"
    )
    return dg.MaterializeResult(
        metadata={
            "results": len(results),
            "new_alerts": new_alerts,
            "alerts_delivered": delivery.delivered,
            "alerts_pending": delivery.pending,
        },
        check_results=[_asset_check_result(spec.source, check, results) for spec in SOURCES for check in CHECK_NAMES],
    )


def _asset_check_result(source: str, check: str, results: list[CheckResult]) -> dg.AssetCheckResult:
    mine = [r for r in results if r.source == source and r.check_name == check]
    status = drift.worst([r.status for r in mine])
    flagged = [r for r in mine if r.status in (drift.WARN, drift.ERROR)]
    return dg.AssetCheckResult(
        check_name=_check_name(source, check),
        passed=not flagged,
        severity=dg.AssetCheckSeverity.ERROR if status == drift.ERROR else dg.AssetCheckSeverity.WARN,
        description="; ".join(f"{r.subject}: {r.detail}" for r in flagged)[:2000]
        or ("skipped: " + mine[0].detail if mine and all(r.status == drift.SKIPPED for r in mine) else "ok"),
        metadata={
            "period": str(mine[0].period) if mine and mine[0].period else "none",
            "statuses": {r.subject: r.status for r in mine},
        },
    )
