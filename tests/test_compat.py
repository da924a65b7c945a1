"""One test per patch of orchestration/_compat.py: each fails when the library under the patch changes.

A failure here means a library upgrade moved something the warehouse relies on: read the library's change,
then adapt or drop the patch in `_compat.py` (its docstring says why it exists).
"""

from __future__ import annotations

import importlib.metadata
import inspect
import json
import logging
import re
from functools import cached_property

import dagster as dg
import pandas as pd
import pytest
from packaging import version

from orchestration import _compat
from orchestration.monitoring.failures import describe_failure
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.transformation.manifest import MANIFEST_PATH

# --- Great Expectations ---------------------------------------------------------------------------------


def _validate(frame: pd.DataFrame):
    """One validation through the warehouse's GX context, as `validate_frame` runs one."""
    import great_expectations as gx

    from orchestration.checks.gx_suites import _context

    context, batch_definition = _context()
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(
            name="compat_probe", expectations=[gx.expectations.ExpectColumnValuesToNotBeNull(column="a")]
        )
    )
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name="compat_probe", data=batch_definition, suite=suite)
    )
    assert definition.run(batch_parameters={"dataframe": frame}).success
    return batch_definition


def test_gx_fingerprints_small_batches_unless_its_hash_threshold_is_zero(monkeypatch) -> None:
    from great_expectations.execution_engine import pandas_execution_engine

    from orchestration.checks.gx_suites import _context

    _, batch_definition = _context()
    frame = pd.DataFrame({"a": [1, 2, 3]})

    def markers() -> dict:
        return batch_definition.get_batch(batch_parameters={"dataframe": frame}).batch_markers

    monkeypatch.setattr(pandas_execution_engine, "HASH_THRESHOLD", 1e9)  # GX's own value
    assert "pandas_data_fingerprint" in markers()
    _compat.stop_gx_batch_fingerprints()
    assert pandas_execution_engine.HASH_THRESHOLD == 0
    assert "pandas_data_fingerprint" not in markers()


def test_gx_keeps_each_validated_batch_and_its_metrics_until_they_are_forgotten() -> None:
    batch_definition = _validate(pd.DataFrame({"a": [1, 2, 3]}))
    engine = batch_definition.data_asset.datasource.get_execution_engine()
    engine.batch_manager.reset_batch_cache()
    assert len(engine.batch_manager.batch_data_cache) == 1  # GX's own reset leaves the frame held
    masks = [v for k, v in engine._metric_cache.items() if k.metric_name.endswith(".condition")]
    assert any(isinstance(part, pd.Series) for mask in masks for part in mask)  # and a row mask of its column
    _compat.forget_gx_batches(batch_definition)
    assert engine.batch_manager.batch_data_cache == {}
    assert len(engine._metric_cache) == 0


# --- dagster-dbt ----------------------------------------------------------------------------------------


def test_dagster_dbt_still_probes_what_skip_dbt_probes_overrides() -> None:
    """The overridden members exist with the same shape, and `cli` still goes through them."""
    from dagster_dbt import DbtCliResource

    stock_version = inspect.getattr_static(DbtCliResource, "_cli_version")
    assert isinstance(stock_version, cached_property)
    assert '"--version"' in inspect.getsource(stock_version.func)
    assert list(inspect.signature(DbtCliResource._initialize_dbt_core_adapter).parameters) == ["self", "args"]
    cli = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in cli
    assert "self._initialize_dbt_core_adapter(args)" in cli


def test_the_warehouse_dbt_resource_starts_no_dbt_to_learn_its_version(monkeypatch) -> None:
    import dagster_dbt.core.resource as stock

    from orchestration.transformation.dbt_assets import dbt_resource

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"dbt started: {args}")

    monkeypatch.setattr(stock, "check_output", no_subprocess)
    resource = dbt_resource()
    assert resource._cli_version == version.parse(importlib.metadata.version("dbt-core"))
    assert resource._initialize_dbt_core_adapter(["build"]) is None


# --- dbt ------------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


def test_dbt_should_full_refresh_is_the_rule_the_project_override_repeats() -> None:
    builtin = _compat.dbt_macro_text(*_compat.DBT_SHOULD_FULL_REFRESH_SOURCE, macro="should_full_refresh")
    assert _words(builtin) == _words(_compat.DBT_SHOULD_FULL_REFRESH)
    for package, path in _compat.SHOULD_FULL_REFRESH_CALLERS:  # they decide between a rebuild and an increment
        assert "should_full_refresh()" in _compat.dbt_macro_text(package, path), path
    override = (DBT_PROJECT_DIR / "macros" / "incremental.sql").read_text()
    assert "{% macro should_full_refresh() %}" in override
    assert "config.get('full_refresh')" in override and "flags.FULL_REFRESH" in override


def test_dbt_resolves_should_full_refresh_to_the_project_override() -> None:
    macros = json.loads(MANIFEST_PATH.read_text())["macros"]
    incremental = macros["macro.dbt_duckdb.materialization_incremental_duckdb"]["depends_on"]["macros"]
    assert "macro.ncii_warehouse.should_full_refresh" in incremental
    assert "macro.dbt.should_full_refresh" not in incremental


# --- Dagster --------------------------------------------------------------------------------------------


@dg.asset
def fine_asset() -> int:
    return 1


@dg.asset(deps=[fine_asset])
def broken_asset() -> None:
    raise ValueError("the reason\nmore detail")


@dg.asset
def gated_asset() -> int:
    return 1


@dg.asset_check(asset=gated_asset, blocking=True)
def gate_check() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False)


@pytest.fixture(scope="module")
def probe_run() -> tuple[list[str], list[dg.DagsterEvent]]:
    """A small job through Dagster, as `ncii run` runs the main job: its log lines and its step failures."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    @dg.logger
    def collect(_: dg.InitLoggerContext) -> logging.Logger:
        log = logging.getLogger("ncii.compat_probe")
        log.handlers, log.propagate = [Collect()], False
        log.setLevel(logging.DEBUG)
        return log

    defs = dg.Definitions(
        assets=[fine_asset, broken_asset, gated_asset],
        asset_checks=[gate_check],
        jobs=[dg.define_asset_job("probe", executor_def=dg.in_process_executor)],
    )
    job = defs.resolve_job_def("probe").with_logger_defs({"collect": collect})
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            run_config={"loggers": {"collect": {}}}, instance=instance, raise_on_error=False
        )
    return lines, result.get_step_failure_events()


def test_dagster_words_its_step_events_as_the_progress_lines_read_them(probe_run) -> None:
    lines, _ = probe_run
    events = [event for event in map(_compat.read_step_log, lines) if event]
    assert _compat.StepLog("started", "fine_asset") in events
    assert _compat.StepLog("materialized", "fine_asset", "fine_asset") in events
    assert _compat.StepLog("started", "broken_asset") in events
    assert _compat.StepLog("failed", "broken_asset") in events
    finished = [e for e in events if e.event == "finished" and e.step == "fine_asset"]
    assert len(finished) == 1 and re.fullmatch(r"[\d.]+\s?\w+", finished[0].detail), finished
    assert not [e for e in events if e.event == "finished" and e.step == "broken_asset"]


def test_dagster_wraps_a_step_error_as_describe_failure_unwraps_it(probe_run) -> None:
    _, failures = probe_run
    broken = [e for e in failures if e.step_key == "broken_asset"]
    assert _compat.is_step_error_wrapper(broken[0].step_failure_data.error.message)  # the wrapper is recognised
    assert describe_failure(broken) == ("broken_asset", "step broken_asset failed: ValueError: the reason")
    gate = [e for e in failures if e.step_key != "broken_asset"]
    step, reason = describe_failure(gate)
    assert step == "gated_asset_gate_check" and reason.endswith("gated_asset: gate_check")  # names the check
