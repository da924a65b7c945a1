"""Run the versioned Great Expectations suites of `expectations/` on pandas frames.

GX's SQL datasource fails on DuckDB through duckdb-engine (every metric raises IndexError,
upstream issues #10738 and #11579), so batches and marts are read from DuckDB into pandas and
validated through GX's pandas datasource, which really executes. Parameters that depend on
settings (the small counts 1..k-1) or on a seed (every vocabulary: `vocabulary_parameters`) are
passed at run time, never written into the JSON.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field

import pandas as pd

from orchestration import vocabularies
from orchestration._compat import forget_gx_batches, stop_gx_batch_fingerprints
from orchestration.settings import EXPECTATIONS_DIR
from orchestration.sources import Source, by_asset, loaded_by_reader

logging.getLogger("great_expectations").setLevel(logging.ERROR)


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str  # type and column(s), e.g. "expect_column_values_to_be_between(cases)"
    severity: str  # error | warning
    success: bool
    unexpected: int | None
    parameters: dict = field(default_factory=dict)  # bounds and value sets, from the suite (never from the rows)
    observed: dict = field(default_factory=dict)  # counts and percentages only (see `observed`)


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    rows: int
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    @property
    def failed_errors(self) -> list[ExpectationOutcome]:
        return [o for o in self.failed if o.severity == "error"]

    @property
    def success(self) -> bool:
        return not self.failed_errors

    def summary(self) -> str:
        """One line naming what failed (for `ncii run`'s reason and alerts)."""
        if not self.failed:
            return f"{self.suite}: {len(self.outcomes)} checks passed on {self.rows:,} rows"
        names = ", ".join(
            f"{o.expectation} ({o.unexpected} rows)" if o.unexpected else o.expectation for o in self.failed
        )
        return f"{self.suite}: failed {names}"


def vocabulary_parameters() -> dict[str, list]:
    """The value sets the suites name as `{"$PARAMETER": name}`, read from the seeds when the suites run: a value
    added to a seed is accepted by the gate without an edit here or in a suite. The marts add `all` (the total)
    and `unknown` (no value recorded) to a vocabulary themselves; a raw batch holds codes mapped through the code
    map (`canonical_<source>_<field>`), its survey answers as codes (`survey_codes_<variable>`)."""
    parameters: dict[str, list] = {
        "platforms": [*vocabularies.platforms(), "all"],  # `other` and `unknown` are members of the seed
        "takedown_outcomes": vocabularies.takedown_outcomes(),
        "harm_groups": [*vocabularies.harm_groups(), "all"],
        "source_types": [*dict.fromkeys(vocabularies.dsa_source_types().values()), "all"],
        "victim_genders": [
            *dict.fromkeys(
                vocabularies.canonical_values("childfocus", "geslacht_slachtoffer")
                + vocabularies.canonical_values("igvm", "victim_gender")
                + ["unknown", "all"]
            )
        ],
    }
    for source, coded in vocabularies.coded_fields():
        parameters[f"canonical_{source}_{coded}"] = vocabularies.canonical_values(source, coded)
    for variable, codes in vocabularies.valid_survey_codes().items():
        parameters[f"survey_codes_{variable.lower()}"] = sorted(codes)
    return parameters


def suite_spec(name: str) -> dict:
    """The versioned suite `expectations/<name>.json`; for a raw batch of a source that has none, the checks its
    declaration implies (declared_suite)."""
    path = EXPECTATIONS_DIR / f"{name}.json"
    if not path.exists() and name in (s.asset for s in loaded_by_reader()):
        return declared_suite(by_asset(name))
    return json.loads(path.read_text())


def declared_suite(source: Source) -> dict:
    """What a declaration alone says of every loaded row: its required columns are there, its load reference
    appears once per load, its derived day counts are not after the export date (one day of grace)."""
    error = {"severity": "error"}
    expectations = [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": c}, "meta": error} for c in source.required
    ]
    if source.load_reference:
        expectations.append(
            {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "load_reference"}, "meta": error}
        )
    expectations += [
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": c, "max_value": 1}, "meta": error}
        for c in source.derived
        if c.startswith("days_after_export")
    ]
    return {"name": source.asset, "expectations": expectations}


@functools.cache
def _context():
    """One ephemeral GX context per process, with a pandas datasource for in-memory frames."""
    import great_expectations as gx

    stop_gx_batch_fingerprints()  # a batch marker this project never reads, slow on millions of rows
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    asset = context.data_sources.add_pandas("warehouse_frames").add_dataframe_asset("frame")
    return context, asset.add_batch_definition_whole_dataframe("whole_frame")


def release_memory() -> None:
    """Give the memory of a freed batch back to the operating system. Arrow's allocator and glibc's
    keep freed pages for reuse, and the dbt subprocess that runs next needs them more than we do."""
    import ctypes
    import gc

    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the pages stay with the process until it ends
        pass


# What a validation page may show of GX's result: counts and percentages. Never the values GX lists
# (`partial_unexpected_list` and the like), which for a raw batch are values from a landing file.
OBSERVED_NUMBERS = ("element_count", "unexpected_count", "unexpected_percent", "missing_count", "missing_percent")


def observed(expectation_type: str, result: dict) -> dict:
    """The observed side of one expectation, as numbers: rows checked, failing, empty; the row count of
    a table-level check; for a column-set check, how many columns were found, unexpected or missing."""
    seen = {key: _plain(result[key]) for key in OBSERVED_NUMBERS if isinstance(result.get(key), (int, float))}
    value = result.get("observed_value")
    if expectation_type == "expect_table_row_count_to_be_between" and isinstance(value, int):
        seen["row_count"] = value
    if expectation_type == "expect_table_columns_to_match_set" and isinstance(value, list):
        mismatched = (result.get("details") or {}).get("mismatched") or {}
        seen["columns_found"] = len(value)
        seen["columns_unexpected"] = len(mismatched.get("unexpected") or [])
        seen["columns_missing"] = len(mismatched.get("missing") or [])
    return seen


def parameters(kwargs: dict) -> dict:
    """An expectation's settings as run (value sets passed at run time resolved), without GX's batch id."""
    return {key: _plain(value) for key, value in kwargs.items() if key != "batch_id"}


def _plain(value):
    """JSON-ready: numpy numbers and tuples as Python numbers and lists."""
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _label(spec: dict) -> str:
    kwargs = spec["kwargs"]
    target = (
        kwargs.get("column")
        or "+".join(kwargs.get("column_list", []))
        or (f"{kwargs['column_A']}>={kwargs['column_B']}" if "column_A" in kwargs else "table")
    )
    return f"{spec['type']}({target})"


def _columns(spec: dict) -> tuple[str, ...] | None:
    """The columns an expectation reads; None for a table-level one (column names, row count)."""
    kwargs = spec["kwargs"]
    if "column" in kwargs:
        return (kwargs["column"],)
    if "column_list" in kwargs:
        return tuple(kwargs["column_list"])
    if "column_A" in kwargs:
        return kwargs["column_A"], kwargs["column_B"]
    return None


def _by_columns(expectations: list[dict]) -> dict[tuple[str, ...] | None, list[dict]]:
    groups: dict[tuple[str, ...] | None, list[dict]] = {}
    for spec in expectations:
        groups.setdefault(_columns(spec), []).append(spec)
    return groups


def _only(frame: pd.DataFrame, columns: tuple[str, ...] | None) -> pd.DataFrame:
    """The columns an expectation group reads; the whole frame when one is missing, so that GX reports
    the missing column as a failed expectation."""
    if columns is None or not set(columns) <= set(frame.columns):
        return frame
    return frame[list(columns)]


def validate_frame(suite_name: str, frame: pd.DataFrame, k: int) -> SuiteResult:
    """Validate a frame against one suite; k sets the forbidden small counts 1..k-1.

    The expectations run in one GX validation per set of columns they read, each on just those
    columns (table-level ones on the whole frame). GX's pandas engine copies the whole frame it is
    given to drop the rows where a column is empty; at ten million rows a copy of a wide frame costs
    many times one of a single column. A validation's fixed cost is small: a mart suite on a few
    thousand rows takes only a little longer this way than as one validation.
    """
    import great_expectations as gx
    from great_expectations.expectations.registry import get_expectation_impl

    spec = suite_spec(suite_name)
    context, batch_definition = _context()
    run_parameters = {"small_counts": list(range(1, k)), **vocabulary_parameters()}
    by_label = {}
    for columns, expectations in _by_columns(spec["expectations"]).items():
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(
                name=suite_name,
                expectations=[get_expectation_impl(e["type"])(**e["kwargs"], meta=e.get("meta")) for e in expectations],
            )
        )
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"validate_{suite_name}", data=batch_definition, suite=suite)
        )
        try:
            result = definition.run(
                batch_parameters={"dataframe": _only(frame, columns)},
                expectation_parameters=run_parameters,
            )
        finally:
            forget_gx_batches(batch_definition)  # GX keeps every frame it validated otherwise
        for item in result.results:
            config = item.expectation_config
            label = _label({"type": config.type, "kwargs": dict(config.kwargs)})
            by_label[label] = ExpectationOutcome(
                label,
                (config.meta or {}).get("severity", "error"),
                bool(item.success),
                (item.result or {}).get("unexpected_count"),
                parameters(dict(config.kwargs)),
                observed(config.type, item.result or {}),
            )
    outcomes = [by_label[_label(e)] for e in spec["expectations"]]
    return SuiteResult(suite_name, len(frame), outcomes)
