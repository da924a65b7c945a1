"""Every place the warehouse relies on a library's internals or on its wording, in one module.

Each patch says why it exists and the library version it was checked against; tests/test_compat.py has
one test per patch that fails when the library changes under it (the attribute is gone or reshaped, or the
wording no longer matches what the library emits). When one fails, read the library's change and adapt or
drop the patch here, not at the call sites.

Light on purpose: the libraries are imported inside the functions that patch them, so importing this module
loads none of them (the failure alerts and the progress lines use it without dbt).
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from packaging import version

# --- Great Expectations (checked against great-expectations 1.24.1) ---------------------------------------


def stop_gx_batch_fingerprints() -> None:
    """Stop GX fingerprinting the in-memory batches it loads.

    GX hashes every cell of a pandas batch smaller than `HASH_THRESHOLD` bytes (slow for a batch of millions
    of rows) for a batch marker this project never reads. A threshold of 0 hashes none. Module-wide, so it
    changes every pandas batch of the process: call it where the GX context is made.
    """
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def forget_gx_batches(batch_definition: Any) -> None:
    """Drop the batches GX's pandas engine holds for this batch definition's datasource, and the metrics it
    computed from them.

    The engine caches every batch it loads and never evicts one: without this the process keeps every
    frame it validated (5 GB after the raw checks at 10 million rows, still held while the dbt subprocess
    runs). `reset_batch_cache` alone leaves the frames in `batch_data_cache`. Its metric cache keeps each
    intermediate column (a row mask per expectation, as big as the column) until the engine goes: 391 MiB
    at 10 million rows, held beside dbt too.
    """
    engine = batch_definition.data_asset.datasource.get_execution_engine()
    engine.batch_manager.reset_batch_cache()
    engine.batch_manager.batch_data_cache.clear()
    engine._metric_cache.clear()


# --- dagster-dbt (checked against dagster-dbt 0.29.27 with dbt-core 1.11.16) ------------------------------


class SkipDbtProbes:
    """Mixin for dagster-dbt's `DbtCliResource` (list it first) that skips two fixed costs of each `dbt build`.

    The stock resource runs `dbt --version` in a subprocess (slow: dbt also asks the package index for
    its newest release) to learn the version of the executable, and loads the dbt project's macros
    in-process (slow too) to hold an adapter that only its optional row-count and column-metadata fetches
    use. This project's executable runs the dbt-core of this environment (`ncii-dbt`), and it fetches
    neither, so both are overridden.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        """The installed dbt-core's version: what `dbt --version` would print as installed."""
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        """No adapter: dagster-dbt then skips the fetches that would need one."""
        return None


# --- dbt (checked against dbt-core 1.11.16, dbt-adapters 1.24.5 and dbt-duckdb 1.11.1) ---------------------

# dbt's own `should_full_refresh`, as checked. dbt_project/macros/incremental.sql overrides the macro (a
# macro of the root project replaces dbt's global one of the same name) to add the fingerprint rule for
# incremental models, and repeats this rule first: the model's `full_refresh` config, else --full-refresh.
DBT_SHOULD_FULL_REFRESH = """
{% macro should_full_refresh() %}
  {% set config_full_refresh = config.get('full_refresh') %}
  {% if config_full_refresh is none %}
    {% set config_full_refresh = flags.FULL_REFRESH %}
  {% endif %}
  {% do return(config_full_refresh) %}
{% endmacro %}
"""
# Where dbt defines it, and the dbt macros whose calls to `should_full_refresh()` reach the override:
# (package module, file).
DBT_SHOULD_FULL_REFRESH_SOURCE = ("dbt.include.global_project", "macros/materializations/configs.sql")
SHOULD_FULL_REFRESH_CALLERS = (
    ("dbt.include.duckdb", "macros/materializations/incremental.sql"),
    ("dbt.include.global_project", "macros/materializations/models/incremental/is_incremental.sql"),
)


def dbt_macro_text(package: str, relative_path: str, macro: str | None = None) -> str:
    """The text of a file of dbt's own macros (or of one macro in it), as installed.

    Why: the project overrides dbt's `should_full_refresh` by name (see `DBT_SHOULD_FULL_REFRESH`); the
    copy of dbt's rule must follow dbt's, and dbt's materializations must still call the macro by that name.
    """
    text = (Path(importlib.import_module(package).PACKAGE_PATH) / relative_path).read_text(encoding="utf-8")
    if macro is None:
        return text
    found = re.search(r"{%-?\s*macro\s+" + re.escape(macro) + r"\(.*?{%-?\s*endmacro\s*-?%}", text, re.S)
    return found.group(0) if found else ""


# --- Dagster (checked against dagster 1.13.27) --------------------------------------------------------------

# How Dagster words its step events in the log lines a logger receives, e.g.
#   ncii_main - <run id> - <pid> - int_cases - STEP_START - Started execution of step "int_cases".
STEP_STARTED = "Started execution of step"
STEP_FINISHED = "Finished execution of step"  # ... "int_cases" in 1.2s.
STEP_FAILED = "Execution of step"  # ... "int_cases" failed.
MATERIALIZED = " - ASSET_MATERIALIZATION - Materialized value "  # preceded by the step, followed by the asset
# The errors Dagster wraps around the one a step raised.
STEP_ERROR_WRAPPER = "dagster._core.errors.DagsterExecutionStepExecutionError"
STEP_ERROR_WRAPPER_WORDING = "Error occurred while"


@dataclass(frozen=True)
class StepLog:
    event: str  # started | finished | failed | materialized
    step: str  # "?" when the line names none
    detail: str = ""  # finished: how long the step took ("1.2s"); materialized: the asset


def read_step_log(message: str) -> StepLog | None:
    """The step event a Dagster log line reports; None for any other line.

    Why: `ncii run` prints one line per step as it finishes, from the log lines Dagster sends its loggers.
    Dagster offers them as text only, so their wording is read here.
    """
    step = message.split('"')[1] if message.count('"') >= 2 else "?"
    if STEP_STARTED in message:
        return StepLog("started", step)
    if STEP_FINISHED in message:
        return StepLog("finished", step, message.rsplit(" in ", 1)[-1].rstrip("."))
    if STEP_FAILED in message:
        return StepLog("failed", step)
    if MATERIALIZED in message:
        materialized_by = message.partition(MATERIALIZED)[0].rsplit(" - ", 1)[-1]
        return StepLog("materialized", materialized_by, message.rsplit("Materialized value ", 1)[-1].rstrip("."))
    return None


def is_step_error_wrapper(message: str) -> bool:
    """Whether a step's error is Dagster's wrapper around the error the step raised (its `cause`).

    Why: a failed run's one-line reason names the error the step raised; Dagster's wrapper says only that
    an error occurred, and its class is private, so it is known by its wording.
    """
    return message.startswith(STEP_ERROR_WRAPPER) or STEP_ERROR_WRAPPER_WORDING in message
