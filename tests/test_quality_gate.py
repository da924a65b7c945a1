"""The quality gate: every GX suite passes on good data, every expectation of every suite fails on a frame
that breaks it, and a failed check blocks publication and leaves the previous one byte for byte."""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
import pytest

from orchestration.checks import frames
from orchestration.checks.gx_suites import _label, suite_spec, validate_frame, vocabulary_parameters
from orchestration.runner import run_main_job
from orchestration.settings import EXPECTATIONS_DIR, PUBLISHED_MARTS
from tests.conftest import PipelineRun, clone_warehouse, fixture_landing, make_settings


def _first(frame: pd.DataFrame, column: str) -> int:
    return frame[column].first_valid_index()


def break_raw_childfocus(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[_first(f, "leeftijd_slachtoffer"), "leeftijd_slachtoffer"] = 150
    return f


def break_raw_igvm(f: pd.DataFrame) -> pd.DataFrame:
    f["channel"] = f["channel"].cat.add_categories(["UNMAPPED:fax"])  # raw batches hold text as categoricals
    f.loc[0, "channel"] = "UNMAPPED:fax"
    return f


def break_raw_takedown(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[_first(f, "hours_to_resolution"), "hours_to_resolution"] = -5.0
    return f


def break_raw_survey(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[_first(f, "finished_weight"), "finished_weight"] = 0.0
    return f


def break_platform_monthly(f: pd.DataFrame) -> pd.DataFrame:
    row = _first(f, "cases")
    f.loc[row, ["cases", "ai_generated_cases"]] = [2, 0]  # a small count that escaped suppression
    return f


def break_victim_demographics(f: pd.DataFrame) -> pd.DataFrame:
    f.loc[_first(f, "share_pct"), "share_pct"] = 150.0
    return f


def break_survey_prevalence(f: pd.DataFrame) -> pd.DataFrame:
    row = _first(f, "weighted_pct")
    f.loc[row, "ci_low_pct"] = f.loc[row, "weighted_pct"] + 1  # an interval that misses its estimate
    return f


def break_exposure(f: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([f, f.iloc[[0]]], ignore_index=True)  # a duplicated key


BREAKERS: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str]] = {
    "raw_childfocus_cases": (break_raw_childfocus, "expect_column_values_to_be_between(leeftijd_slachtoffer)"),
    "raw_igvm_reports": (break_raw_igvm, "expect_column_values_to_be_in_set(channel)"),
    "raw_takedown_requests": (break_raw_takedown, "expect_column_values_to_be_between(hours_to_resolution)"),
    "raw_survey_responses": (break_raw_survey, "expect_column_values_to_be_between(finished_weight)"),
    "platform_monthly": (break_platform_monthly, "expect_column_values_to_not_be_in_set(cases)"),
    "victim_demographics_quarterly": (break_victim_demographics, "expect_column_values_to_be_between(share_pct)"),
    "survey_prevalence": (
        break_survey_prevalence,
        "expect_column_pair_values_a_to_be_greater_than_b(weighted_pct>=ci_low_pct)",
    ),
    "platform_exposure_vs_reports": (break_exposure, "expect_compound_columns_to_be_unique(year+platform)"),
}


@pytest.fixture(scope="module")
def good_frames(pipeline_run: PipelineRun) -> dict[str, pd.DataFrame]:
    conn = duckdb.connect(str(pipeline_run.settings.warehouse_db), read_only=True)
    try:
        load_ids = [
            r[0] for r in conn.execute("SELECT load_id FROM raw.load_ledger WHERE status = 'loaded'").fetchall()
        ]
        out = {suite: frames.raw_batch(conn, suite, load_ids) for suite in frames.RAW_SUITES}
        out.update({m: frames.mart(conn, m) for m in PUBLISHED_MARTS})
        return out
    finally:
        conn.close()


@pytest.mark.parametrize("suite", sorted(BREAKERS))
def test_each_suite_passes_on_good_data_and_fails_on_broken_data(good_frames, suite: str) -> None:
    good = good_frames[suite]
    assert len(good) > 0
    passed = validate_frame(suite, good, k=5)
    assert passed.success, passed.summary()

    breaker, expected_failure = BREAKERS[suite]
    failed = validate_frame(suite, breaker(good.copy()), k=5)
    assert not failed.success
    assert [o.expectation for o in failed.failed_errors] == [expected_failure]
    assert expected_failure in failed.summary()


# --- Every expectation of every suite, broken on its own --------------------------------------------------
# The cases are read from the suites themselves (expectations/*.json): an expectation added to a suite is a
# case here without an edit, and test_one_case_per_expectation_of_every_suite keeps the two counts equal.
# Each case breaks the good frame just enough for that one expectation (from its type and parameters; the
# bounds of a range from INTENDED_BOUNDS below) and asserts that the validation reports that expectation
# failed, on exactly the rows the break put outside it, and that the rows it put on the edge still pass.

K = 5  # the suppression threshold every frame here is validated with
SUITES = sorted(path.stem for path in EXPECTATIONS_DIR.glob("*.json"))
CASES = [(suite, _label(spec)) for suite in SUITES for spec in suite_spec(suite)["expectations"]]

# The interval each `between` expectation (and each row count) is meant to enforce: "[" and "]" include the
# bound, "(" and ")" leave it out, inf is no bound. Written here, apart from the suites, on purpose: a break
# derived from the suite's own min_value/max_value moves with them, so a widened bound (the IGVM age range
# made 0..999) still finds a value outside it and fails nothing. The break puts values just outside and
# exactly on each bound of these intervals (a far value on an unbounded side) and expects only the outside
# ones to fail, so a suite bound loosened, tightened or made strict fails its case. A bounded expectation
# missing here, or listed here but gone from the suites, fails test_intended_bounds_name_every_bounded_expectation.
INTENDED_BOUNDS: dict[str, dict[str, str]] = {
    "platform_exposure_vs_reports": {"case_share_pct": "[0, 100]", "removal_rate": "[0, 1]"},
    "platform_monthly": {
        "cases": "[0, inf)",
        "ai_generated_cases": "[0, inf)",
        "takedown_requests": "[0, inf)",
        "takedowns_removed": "[0, inf)",
        "removal_rate": "[0, 1]",
        "median_hours_to_removal": "[0, inf)",
    },
    "platform_responsiveness": {
        "takedown_requests": "[0, inf)",
        "removal_rate": "[0, 1]",
        "median_hours_to_removal": "[0, inf)",
        "tf_statements": "[0, inf)",
        "tf_automated_share_pct": "[0, 100]",
        "statements_per_request": "[0, inf)",
        "median_days_to_database": "[-3650, 3650]",
    },
    "platform_statements_monthly": {
        "statements": "[1, inf)",  # a row exists because statements do
        "automated_detections": "[0, inf)",
        "fully_automated_decisions": "[0, inf)",
        "content_removed": "[0, inf)",
        "median_days_to_database": "[-3650, 3650]",
        "median_days_to_decision": "[-3650, 3650]",
    },
    "raw_childfocus_cases": {
        "leeftijd_slachtoffer": "[0, 99]",
        "days_after_export_opened": "(-inf, 1]",
        "days_after_export_closed": "(-inf, 1]",
        "table": "[1, 20000000]",
    },
    "raw_igvm_reports": {
        "victim_age": "[0, 99]",
        "days_after_export_submitted": "(-inf, 1]",
        "table": "[1, 20000000]",
    },
    "raw_survey_responses": {"finished_weight": "(0, inf)", "q1": "[15, 25]", "table": "[30, 1000000]"},
    "raw_takedown_requests": {
        "days_after_export_submitted": "(-inf, 1]",
        "hours_to_resolution": "[0, inf)",
        "table": "[1, 20000000]",
    },
    "survey_prevalence": {"weighted_pct": "[0, 100]", "ci_low_pct": "[0, 100]", "ci_high_pct": "[0, 100]"},
    "victim_demographics_quarterly": {
        "cases": "[0, inf)",
        "share_pct": "[0, 100]",
        "group_share_total": "[99.999, 100.001]",
    },
}
BOUNDED = ("expect_column_values_to_be_between", "expect_table_row_count_to_be_between")

# Expectations that cannot fail on their own, each with the reason: (suite, label) -> why. None today, every
# expectation has a break; test_exemptions_name_expectations_that_exist keeps this from naming a stale one.
EXEMPT: dict[tuple[str, str], str] = {}

FAR = 1e9  # a value far out on a side without a bound: it must pass
OUTSIDER = "UNMAPPED"  # what frames.raw_batch writes for a code the code map lacks: in no value set


@dataclass(frozen=True)
class Bound:
    value: float
    included: bool


def _interval(text: str) -> tuple[Bound | None, Bound | None]:
    low, high = (part.strip() for part in text[1:-1].split(","))
    return (
        None if low == "-inf" else Bound(float(low), text[0] == "["),
        None if high == "inf" else Bound(float(high), text[-1] == "]"),
    )


@dataclass(frozen=True)
class Probe:
    """A frame to validate and what the expectation under test must report on it: failed, on exactly
    `unexpected` rows when it counts rows (a table-level one counts none: None), or passed."""

    frame: pd.DataFrame
    fails: bool = True
    unexpected: int | None = None


def _integer(series: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(series.dtype)


def _step(series: pd.Series, at: float) -> float:
    """The smallest move past a value: 1 in an integer column, a millionth of it (at least 1e-6) in a float one."""
    return 1 if _integer(series) else 1e-6 * max(1.0, abs(at))


def _put(frame: pd.DataFrame, column: str, values: list) -> pd.DataFrame:
    """Write values into the first rows of a column, one per row (a categorical gains the categories it lacks,
    a numpy boolean column becomes pandas' nullable one to take a null)."""
    assert len(frame) >= len(values), f"{column}: {len(frame)} rows, {len(values)} needed for the break"
    series = frame[column]
    if isinstance(series.dtype, pd.CategoricalDtype):
        new = [v for v in dict.fromkeys(values) if v is not None and v not in series.cat.categories]
        frame[column] = series.cat.add_categories(new)
    elif series.dtype == bool and None in values:
        frame[column] = series.astype("boolean")
    elif _integer(series):
        values = [v if v is None else int(v) for v in values]
    for row, value in zip(frame.index, values):
        frame.loc[row, column] = value
    return frame


def _value_set(kwargs: dict) -> list:
    """An expectation's value set; the run-time parameters resolved as the gate resolves them, except the
    small counts, which are the disclosure rule itself (1..k-1 never published), stated here."""
    value_set = kwargs["value_set"]
    if not isinstance(value_set, dict):
        return list(value_set)
    name = value_set["$PARAMETER"]
    return list(range(1, K)) if name == "small_counts" else vocabulary_parameters()[name]


def _duplicated(frame: pd.DataFrame, columns: list[str]) -> list[Probe]:
    """The frame with one more copy of a row whose key is complete: both copies fail."""
    row = frame[columns].notna().all(axis=1).idxmax()
    assert frame.loc[row, columns].notna().all(), f"no row with {columns} all present"
    return [Probe(pd.concat([frame, frame.loc[[row]]], ignore_index=True), unexpected=2)]


def break_between(frame: pd.DataFrame, kwargs: dict, suite: str) -> list[Probe]:
    column = kwargs["column"]
    outside, inside = [], []
    for bound, side in zip(_interval(INTENDED_BOUNDS[suite][column]), (-1, 1)):
        if bound is None:
            inside.append(side * FAR)
            continue
        step = _step(frame[column], bound.value)
        outside.append(bound.value + side * step if bound.included else bound.value)
        inside.append(bound.value if bound.included else bound.value - side * step)
    return [Probe(_put(frame, column, outside + inside), unexpected=len(outside))]


def break_row_count(frame: pd.DataFrame, kwargs: dict, suite: str) -> list[Probe]:
    """One row fewer than the minimum fails and the minimum passes (the good frame's first rows); one row more
    than the maximum fails and the maximum passes, as frames without columns: the count is all this reads,
    and the good frame at 20 million rows would take minutes."""
    low, high = _interval(INTENDED_BOUNDS[suite]["table"])
    assert low and high and low.included and high.included, "row counts are closed intervals"
    least, most = int(low.value), int(high.value)
    return [
        Probe(frame.iloc[: least - 1]),
        Probe(frame.iloc[:least], fails=False),
        Probe(pd.DataFrame(index=pd.RangeIndex(most + 1))),
        Probe(pd.DataFrame(index=pd.RangeIndex(most)), fails=False),
    ]


def break_column_set(frame: pd.DataFrame, kwargs: dict, suite: str) -> list[Probe]:
    """A column of the set missing, and one column too many (which fails only with exact_match)."""
    return [Probe(frame.drop(columns=[kwargs["column_set"][-1]])), Probe(frame.assign(unexpected_column=0))]


def break_in_set(frame: pd.DataFrame, kwargs: dict, suite: str) -> list[Probe]:
    allowed = _value_set(kwargs)
    numeric = all(isinstance(v, (int, float)) for v in allowed)
    outsider = max(allowed) + 1 if numeric else OUTSIDER
    assert outsider not in allowed
    return [Probe(_put(frame, kwargs["column"], [outsider]), unexpected=1)]


def break_not_in_set(frame: pd.DataFrame, kwargs: dict, suite: str) -> list[Probe]:
    """Every forbidden value, one per row; for the small counts also 0 and k, which are published."""
    forbidden = _value_set(kwargs)
    allowed = [0, K] if kwargs["value_set"] == {"$PARAMETER": "small_counts"} else []
    return [Probe(_put(frame, kwargs["column"], forbidden + allowed), unexpected=len(forbidden))]


def break_not_null(frame: pd.DataFrame, kwargs: dict, suite: str) -> list[Probe]:
    return [Probe(_put(frame, kwargs["column"], [None]), unexpected=1)]


def break_unique(frame: pd.DataFrame, kwargs: dict, suite: str) -> list[Probe]:
    return _duplicated(frame, [kwargs["column"]])


def break_compound_unique(frame: pd.DataFrame, kwargs: dict, suite: str) -> list[Probe]:
    return _duplicated(frame, kwargs["column_list"])


def break_pair(frame: pd.DataFrame, kwargs: dict, suite: str) -> list[Probe]:
    """The label reads A >= B: a row with B just above A fails, a row with B equal to A passes."""
    a, b = kwargs["column_A"], kwargs["column_B"]
    value = frame[a].dropna().iloc[0]
    _put(frame, a, [value, value])
    return [Probe(_put(frame, b, [value + _step(frame[b], value), value]), unexpected=1)]


BREAKS: dict[str, Callable[[pd.DataFrame, dict, str], list[Probe]]] = {
    "expect_column_values_to_be_between": break_between,
    "expect_table_row_count_to_be_between": break_row_count,
    "expect_table_columns_to_match_set": break_column_set,
    "expect_column_values_to_be_in_set": break_in_set,
    "expect_column_values_to_not_be_in_set": break_not_in_set,
    "expect_column_values_to_not_be_null": break_not_null,
    "expect_column_values_to_be_unique": break_unique,
    "expect_compound_columns_to_be_unique": break_compound_unique,
    "expect_column_pair_values_a_to_be_greater_than_b": break_pair,
}


@pytest.fixture(scope="module")
def good_results(good_frames) -> dict:
    return {suite: validate_frame(suite, good_frames[suite], k=K) for suite in SUITES}


@pytest.mark.parametrize("suite", SUITES)
def test_every_expectation_passes_on_good_data(good_results, suite: str) -> None:
    """Warnings too: an expectation that already fails on good data would prove nothing when broken."""
    assert good_results[suite].rows > 0
    assert not good_results[suite].failed, good_results[suite].summary()


@pytest.mark.parametrize(("suite", "label"), CASES, ids=[f"{suite}:{label}" for suite, label in CASES])
def test_each_expectation_fails_on_a_frame_that_breaks_it(good_frames, good_results, suite: str, label: str) -> None:
    if (suite, label) in EXEMPT:
        pytest.skip(EXEMPT[suite, label])
    assert next(o for o in good_results[suite].outcomes if o.expectation == label).success
    spec = next(e for e in suite_spec(suite)["expectations"] if _label(e) == label)
    assert spec["type"] in BREAKS, f"no break for {spec['type']}: add one to BREAKS, or an exemption saying why"
    for probe in BREAKS[spec["type"]](good_frames[suite].copy(), spec["kwargs"], suite):
        result = validate_frame(suite, probe.frame, k=K)
        outcome = next(o for o in result.outcomes if o.expectation == label)
        if not probe.fails:
            assert outcome.success, f"{label} failed on a frame within its bounds: {outcome.observed}"
            continue
        assert label in [o.expectation for o in result.failed], result.summary()
        if outcome.severity == "error":  # the gate refuses the frame
            assert label in [o.expectation for o in result.failed_errors] and not result.success
        if (expected := probe.unexpected) is not None:
            assert outcome.unexpected == expected, (
                f"{label} failed on {outcome.unexpected} rows, not the {expected} the break put outside "
                f"its bounds: the suite has {outcome.parameters}"
            )


def test_one_case_per_expectation_of_every_suite() -> None:
    """As many parametrised cases as the suites hold expectations, each named once (validate_frame reports
    outcomes by label: two expectations of one suite with one label would be one outcome), and every suite is
    one of the gate's checks (a raw batch or a published mart), so none goes without its good frame."""
    cases = next(
        m for m in test_each_expectation_fails_on_a_frame_that_breaks_it.pytestmark if m.name == "parametrize"
    ).args[1]
    total = sum(len(json.loads(path.read_text())["expectations"]) for path in EXPECTATIONS_DIR.glob("*.json"))
    assert len(cases) == len(set(cases)) == total
    assert set(SUITES) == set(frames.RAW_SUITES) | set(PUBLISHED_MARTS)


def test_exemptions_name_expectations_that_exist() -> None:
    assert set(EXEMPT) <= set(CASES), set(EXEMPT) - set(CASES)
    assert all(why.strip() for why in EXEMPT.values())


def test_intended_bounds_name_every_bounded_expectation() -> None:
    bounded = {
        (suite, spec["kwargs"].get("column", "table"))
        for suite in SUITES
        for spec in suite_spec(suite)["expectations"]
        if spec["type"] in BOUNDED
    }
    assert {(suite, target) for suite, targets in INTENDED_BOUNDS.items() for target in targets} == bounded


def test_a_missing_column_fails_its_expectations_instead_of_the_check(good_frames) -> None:
    """Each set of columns is validated apart; a column the batch lacks is still a failed expectation."""
    frame = good_frames["raw_childfocus_cases"].drop(columns=["leeftijd_slachtoffer"])
    result = validate_frame("raw_childfocus_cases", frame, k=5)
    assert [o.expectation for o in result.failed_errors] == [
        "expect_table_columns_to_match_set(table)",
        "expect_column_values_to_be_between(leeftijd_slachtoffer)",
    ]
    assert len([o for o in result.outcomes if o.success]) == len(result.outcomes) - 2


def test_hashed_references_still_fail_on_a_duplicate(pipeline_run: PipelineRun, tmp_path) -> None:
    """References reach GX as 64-bit hashes: one per distinct reference, and a duplicate still fails."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_run.settings.warehouse_db, db)
    conn = duckdb.connect(str(db))
    try:
        load_ids = [
            r[0] for r in conn.execute("SELECT load_id FROM raw.load_ledger WHERE status = 'loaded'").fetchall()
        ]
        # a request without a case reference (the contract allows it): its key must stay missing
        conn.execute(
            "UPDATE raw.takedown_requests SET case_key = NULL "
            "WHERE request_id = (SELECT min(request_id) FROM raw.takedown_requests)"
        )
        frame = frames.raw_batch(conn, "raw_takedown_requests", load_ids)
        assert str(frame["request_id"].dtype) == "UInt64"
        distinct = conn.execute(
            "SELECT count(DISTINCT (load_id, request_id)), count(DISTINCT case_key) FROM raw.takedown_requests"
        ).fetchone()
        assert len(frame[["load_id", "request_id"]].drop_duplicates()) == distinct[0] == len(frame)
        assert frame["case_key"].nunique() == distinct[1]
        missing = conn.execute("SELECT count(*) FROM raw.takedown_requests WHERE case_key IS NULL").fetchone()[0]
        assert missing > 0 and frame["case_key"].isna().sum() == missing

        conn.execute(
            "INSERT INTO raw.takedown_requests "
            "SELECT * REPLACE (row_number + 100000 AS row_number) FROM raw.takedown_requests LIMIT 1"
        )
        result = validate_frame("raw_takedown_requests", frames.raw_batch(conn, "raw_takedown_requests", load_ids), k=5)
    finally:
        conn.close()
    assert [o.expectation for o in result.failed_errors] == ["expect_column_values_to_be_unique(load_reference)"]
    assert result.failed_errors[0].unexpected == 2


def test_a_validated_frame_is_not_kept_alive(good_frames) -> None:
    """GX caches every batch it loads; a kept frame would hold gigabytes while dbt runs."""
    frame = good_frames["raw_takedown_requests"].copy()
    alive = weakref.ref(frame)
    assert validate_frame("raw_takedown_requests", frame, k=5).success
    del frame
    gc.collect()
    assert alive() is None


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_failed_check_blocks_publication_and_keeps_the_old_one(
    pipeline_run: PipelineRun, tmp_path, monkeypatch
) -> None:
    settings = clone_warehouse(pipeline_run.settings, tmp_path / "warehouse")
    published = {
        p: digest(p)
        for p in [settings.published_db, *(f for f in settings.published_dir.resolve().rglob("*") if f.is_file())]
    }
    runs_listed = (settings.reports_dir / "validation" / "index.html").read_text().count("<tr>")

    real_mart = frames.mart

    def tampered(conn, name):  # the mart as a faulty model would have built it
        frame = real_mart(conn, name)
        return break_platform_monthly(frame) if name == "platform_monthly" else frame

    monkeypatch.setattr(frames, "mart", tampered)
    outcome = run_main_job(settings)

    assert not outcome.success
    assert "gx_platform_monthly" in outcome.reason
    assert "\n" not in outcome.reason
    assert {p: digest(p) for p in published} == published
    report = (settings.reports_dir / "validation" / "index.html").read_text()
    assert report.count("<tr>") == runs_listed + 1  # the failed run is listed too
    run_page = (settings.reports_dir / "validation" / f"run-{outcome.run_id}.html").read_text()
    assert "expect_column_values_to_not_be_in_set(cases)" in run_page and "FAILED" in run_page


def test_a_raw_batch_that_fails_keeps_blocking_until_it_passes(tmp_path, monkeypatch) -> None:
    landing = fixture_landing(tmp_path / "landing", ["childfocus_cases_20260201.csv", "takedown_requests_20260301.csv"])
    settings = make_settings(landing, tmp_path / "warehouse", k=2)
    assert run_main_job(settings).success
    before = digest(settings.published_db)

    fixture_landing(landing, ["childfocus_cases_20260301.csv"])
    real_batch = frames.raw_batch

    def tampered(conn, suite, load_ids):  # the batch as a faulty reader would have loaded it
        frame = real_batch(conn, suite, load_ids)
        return break_raw_childfocus(frame) if suite == "raw_childfocus_cases" and len(frame) else frame

    monkeypatch.setattr(frames, "raw_batch", tampered)
    for _ in range(2):  # the file is in the ledger after the first run; the batch still blocks
        outcome = run_main_job(settings)
        assert not outcome.success and "gx_raw_childfocus_cases" in outcome.reason
        assert digest(settings.published_db) == before

    monkeypatch.setattr(frames, "raw_batch", real_batch)
    assert run_main_job(settings).success
    assert digest(settings.published_db) != before
