"""One owner per vocabulary: the seeds. A value added to a seed reaches every Python consumer (the report's order and
colours, the quality gate's value sets, ingestion's accepted codes) without an edit of code or of a suite; and the
suites and the dbt tests type no vocabulary of their own.

The seeds are copied into a temporary folder and edited there (orchestration.vocabularies reads its folder at each
call), so the repository's seeds are never touched and these tests run beside any other.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from orchestration import vocabularies
from orchestration.checks import gx_suites
from orchestration.ingestion.readers.survey import valid_codes
from orchestration.reporting import charts, platforms, report
from orchestration.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, REPO_ROOT, SEEDS_DIR

IN_SET = "expect_column_values_to_be_in_set"
MEMBERS_EVERY_VOCABULARY_HAS = {"all", "unknown", "other"}  # the models' own: the total, nothing recorded, unlisted


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's seeds that every accessor reads instead."""
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, copy)
    monkeypatch.setattr(vocabularies, "SEEDS_DIR", copy)
    return copy


def append(seed: Path, *rows: str) -> None:
    text = seed.read_text()
    seed.write_text(text + ("" if text.endswith("\n") else "\n") + "\n".join(rows) + "\n")


def in_set_outcome(suite: str, frame: pd.DataFrame, column: str) -> bool:
    result = gx_suites.validate_frame(suite, frame, k=5)
    return next(o for o in result.outcomes if o.expectation == f"{IN_SET}({column})").success


def test_an_edited_seed_is_read_again(seeds: Path) -> None:
    before = vocabularies.platforms()
    append(seeds / "platforms.csv", "bluesky,14,")
    assert vocabularies.platforms() == [*before, "bluesky"]  # never the copy parsed before the edit


def test_a_platform_added_to_the_seed_reaches_the_gate_and_the_report(seeds: Path) -> None:
    frame = pd.DataFrame({"platform": ["snapchat", "bluesky", "all"]})
    assert not in_set_outcome("platform_responsiveness", frame, "platform")  # not a platform yet
    append(seeds / "platforms.csv", "bluesky,0,#123456")  # sort_order 0: before every other platform

    assert vocabularies.platforms()[0] == "bluesky"
    assert "bluesky" in gx_suites.vocabulary_parameters()["platforms"]
    assert in_set_outcome("platform_responsiveness", frame, "platform")

    data = pd.DataFrame({"platform": ["snapchat", "zzz", "bluesky", "all"]})
    assert platforms._platforms(data) == ["bluesky", "snapchat", "zzz"]  # the seed's order, then the data's own
    panels = report._platform_panels(SimpleNamespace(monthly=data), "cases", "cases")
    assert [p.title for p in panels] == [*vocabularies.platforms(), "zzz"]
    assert panels[0].colour == "#123456"
    scale = charts.platform_scale().to_dict()
    assert scale["domain"][0] == "bluesky" and scale["range"][0] == "#123456"


def test_a_platform_without_a_colour_takes_a_spare_one(seeds: Path) -> None:
    append(seeds / "platforms.csv", "bluesky,14,")
    assert "bluesky" not in vocabularies.platform_colours()
    assert charts.platform_colour("bluesky", []) == charts.SPARE_COLOURS[0]
    assert charts.platform_colour("zzz", ["zzz"]) == charts.SPARE_COLOURS[1]  # after it, by name
    assert charts.platform_scale().to_dict()["range"][-1] == charts.SPARE_COLOURS[0]


def test_a_takedown_outcome_added_to_the_seed_reaches_the_gate(seeds: Path) -> None:
    frame = pd.DataFrame({"outcome": ["removed", "withdrawn"]})
    assert not in_set_outcome("raw_takedown_requests", frame, "outcome")
    append(seeds / "takedown_outcomes.csv", "withdrawn,true,false")
    assert "withdrawn" in vocabularies.final_outcomes() and "withdrawn" not in vocabularies.removed_outcomes()
    assert in_set_outcome("raw_takedown_requests", frame, "outcome")


def test_a_code_added_to_the_code_map_reaches_ingestion_and_the_gate(seeds: Path) -> None:
    frame = pd.DataFrame({"kanaal": ["phone", "fax"]})
    assert not in_set_outcome("raw_childfocus_cases", frame, "kanaal")
    append(seeds / "code_map.csv", "childfocus,kanaal,Fax ,fax")
    assert "fax" in vocabularies.code_lists("childfocus")["kanaal"]  # trimmed and lower-cased, as ingestion compares
    assert in_set_outcome("raw_childfocus_cases", frame, "kanaal")


def test_the_age_bands_order_the_report_by_the_seed(seeds: Path) -> None:
    rows = (seeds / "age_bands.csv").read_text().splitlines()
    header, bands = rows[0], [row.split(",") for row in rows[1:]]
    (seeds / "age_bands.csv").write_text(
        "\n".join([header, *(",".join([*b[:3], str(100 - int(b[3]))]) for b in bands)]) + "\n"
    )  # oldest first
    assert vocabularies.age_band_order() == [b[0] for b in reversed(bands)]
    quarterly = pd.DataFrame(
        {
            "quarter": pd.to_datetime(["2025-01-01"] * 2),
            "source": ["childfocus", "igvm"],
            "incident_type": ["all", "all"],
            "victim_gender": ["female", "male"],
            "victim_age_band": ["15_17", "26_34"],
            "cases": [12, 8],
        }
    )
    coverage = SimpleNamespace(quarter_note=lambda quarter: "")
    figure = report._demographics_figure(SimpleNamespace(quarterly=quarterly), coverage, 5)
    x = figure.chart["concat"][0]["layer"][0]["encoding"]["x"]
    assert x["sort"] == [*(b[0] for b in reversed(bands)), "unknown"] == x["scale"]["domain"]


def test_an_answer_code_added_to_the_value_labels_is_accepted(seeds: Path) -> None:
    assert 4 not in valid_codes()["Q10"]
    append(seeds / "survey_value_labels.csv", "Q10,4,weet het niet")
    assert 4 in valid_codes()["Q10"]  # what the survey reader and `ncii unmapped` accept
    assert 4 in gx_suites.vocabulary_parameters()["survey_codes_q10"]
    assert valid_codes()["Q1"] == set(range(15, 26))  # ages, not labelled codes


def test_the_harm_groups_of_the_scorecard_come_from_the_seed(seeds: Path) -> None:
    text = (seeds / "dsa_harm_groups.csv").read_text()
    (seeds / "dsa_harm_groups.csv").write_text(text.replace("STATEMENT_CATEGORY_CYBER_VIOLENCE,2,false", "X,2,true"))
    assert vocabularies.scorecard_harm_groups()[-1] == "other_cyber_violence"
    assert "other_cyber_violence" in gx_suites.vocabulary_parameters()["harm_groups"]


# --- no second copy ------------------------------------------------------------------------------------------
def _seed_vocabulary() -> set[str]:
    """Every member of every seed vocabulary, less the members each vocabulary has."""
    values = {v for v in gx_suites.vocabulary_parameters().values() for v in v if isinstance(v, str)}
    return (values | set(vocabularies.age_band_order())) - MEMBERS_EVERY_VOCABULARY_HAS


def test_every_suite_takes_its_value_sets_from_the_seeds() -> None:
    supplied = {"small_counts", *gx_suites.vocabulary_parameters()}
    vocabulary = _seed_vocabulary()
    for path in sorted(EXPECTATIONS_DIR.glob("*.json")):
        for expectation in json.loads(path.read_text())["expectations"]:
            for value in expectation["kwargs"].values():
                if isinstance(value, dict) and "$PARAMETER" in value:
                    assert value["$PARAMETER"] in supplied, (path.name, value)
            typed = expectation["kwargs"].get("value_set")
            if isinstance(typed, list):  # a structural set (sources, breakdowns), never a seed's members
                assert not set(map(str, typed)) & vocabulary, (path.name, expectation["kwargs"].get("column"))


def _accepted_values(node) -> list[list]:
    if isinstance(node, dict):
        found = [node["accepted_values"]["arguments"]["values"]] if "accepted_values" in node else []
        return found + [v for child in node.values() for v in _accepted_values(child)]
    if isinstance(node, list):
        return [v for child in node for v in _accepted_values(child)]
    return []


def test_no_dbt_test_types_a_seed_vocabulary() -> None:
    vocabulary = _seed_vocabulary()
    files = [*(DBT_PROJECT_DIR / "models").rglob("*.yml"), SEEDS_DIR / "_seeds.yml"]
    for path in files:
        for values in _accepted_values(yaml.safe_load(path.read_text())):
            assert not set(map(str, values)) & vocabulary, (path.name, values)


def test_only_the_vocabularies_module_reads_the_seeds() -> None:
    readers = {
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "orchestration").rglob("*.py")
        if re.search(r"\bSEEDS_DIR\b|/ *[\"']seeds[\"']", path.read_text())  # the folder, or a path built to it
        and "sample_data" not in path.parts
    }
    # settings defines the folder; the manifest fingerprints its files for dbt (it parses, never reads a row)
    assert readers == {
        "orchestration/settings.py",
        "orchestration/vocabularies.py",
        "orchestration/transformation/manifest.py",
    }


def test_the_final_outcomes_are_the_seeds_in_the_model() -> None:
    sql = (DBT_PROJECT_DIR / "models" / "intermediate" / "helpline" / "int_takedown_requests.sql").read_text()
    assert "ref('takedown_outcomes')" in sql
    assert not re.search(r"'(removed|geo_blocked|rejected|no_response|pending)'", sql)
