"""The vocabularies, read from the seeds: the one place Python reads `seeds/*.csv`.

Every canonical list (platforms and their order, the code map, takedown outcomes, age bands, the survey's value
labels, the dsa harm groups and source types) has one owner, its seed (declared in seeds/_seeds.yml), which dbt
loads and its tests check. Ingestion, the quality gate, monitoring and the report read the same files through
the functions here, so a value added to a seed reaches every consumer without an edit of code, a test or a suite.

A seed is parsed once per content: an edited seed is read again at the next call, never served stale. Rows come
as text, as the file holds them (dbt's `column_types` in seeds/_seeds.yml say what each column means); the
accessors below give them their types.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

from orchestration.settings import SEEDS_DIR


def seed_path(name: str, seeds_dir: Path | None = None) -> Path:
    return (seeds_dir or SEEDS_DIR) / f"{name}.csv"


def read_seed(name: str, seeds_dir: Path | None = None) -> list[dict[str, str]]:
    """The rows of seeds/<name>.csv in file order, each a dict of text (a fresh copy: callers may change it)."""
    return [dict(row) for row in _parse(seed_path(name, seeds_dir).read_bytes())]


@functools.lru_cache(maxsize=64)
def _parse(content: bytes) -> tuple[dict[str, str], ...]:
    return tuple(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _true(value: str) -> bool:
    return value.strip().lower() == "true"


def _distinct(values) -> list[str]:
    return list(dict.fromkeys(values))


# --- platforms (seeds/platforms.csv, seeds/platform_aliases.csv) -------------------------------------------
def platforms(seeds_dir: Path | None = None) -> list[str]:
    """The canonical platforms in the contract's order (`sort_order`), `other` and `unknown` included."""
    rows = read_seed("platforms", seeds_dir)
    return [row["platform"].strip() for row in sorted(rows, key=lambda row: int(row["sort_order"]))]


def platform_colours(seeds_dir: Path | None = None) -> dict[str, str]:
    """Each platform's fixed chart colour, in the platforms' order (a platform without one gets a spare colour)."""
    colours = {row["platform"].strip(): row["colour"].strip() for row in read_seed("platforms", seeds_dir)}
    return {platform: colours[platform] for platform in platforms(seeds_dir) if colours[platform]}


def platform_aliases(seeds_dir: Path | None = None) -> list[tuple[str, str]]:
    """(alias, platform) pairs of the alias seed, as written (ingestion normalises and hashes the aliases)."""
    return [(row["alias"], row["platform"]) for row in read_seed("platform_aliases", seeds_dir)]


# --- code map (seeds/code_map.csv) -------------------------------------------------------------------------
def code_lists(source: str, seeds_dir: Path | None = None) -> dict[str, list[str]]:
    """Accepted codes per field of a source, trimmed and lower-cased (codes are matched case-insensitively)."""
    lists: dict[str, list[str]] = {}
    for row in read_seed("code_map", seeds_dir):
        if row["source"] == source:
            lists.setdefault(row["field"], []).append(row["code"].strip().lower())
    return lists


def code_map(source: str, seeds_dir: Path | None = None) -> list[tuple[str, str, str]]:
    """(field, code, canonical) rows of a source, as written."""
    return [
        (row["field"], row["code"], row["canonical"])
        for row in read_seed("code_map", seeds_dir)
        if row["source"] == source
    ]


def canonical_values(source: str, field: str, seeds_dir: Path | None = None) -> list[str]:
    """The canonical values a field's codes map to, in the seed's order."""
    return _distinct(canonical for f, _, canonical in code_map(source, seeds_dir) if f == field)


def coded_fields(seeds_dir: Path | None = None) -> list[tuple[str, str]]:
    """Every (source, field) the code map lists."""
    return _distinct((row["source"], row["field"]) for row in read_seed("code_map", seeds_dir))


# --- takedown outcomes (seeds/takedown_outcomes.csv) -------------------------------------------------------
def takedown_outcomes(seeds_dir: Path | None = None) -> list[str]:
    return [row["outcome"].strip() for row in read_seed("takedown_outcomes", seeds_dir)]


def final_outcomes(seeds_dir: Path | None = None) -> list[str]:
    """The outcomes that close a request (the removal rate's denominator)."""
    return [row["outcome"].strip() for row in read_seed("takedown_outcomes", seeds_dir) if _true(row["is_final"])]


def removed_outcomes(seeds_dir: Path | None = None) -> list[str]:
    return [row["outcome"].strip() for row in read_seed("takedown_outcomes", seeds_dir) if _true(row["is_removed"])]


# --- age bands (seeds/age_bands.csv) -----------------------------------------------------------------------
def age_band_order(seeds_dir: Path | None = None) -> list[str]:
    """The age bands, youngest first (`sort_order`); `unknown` and `all` are the models' own members."""
    rows = read_seed("age_bands", seeds_dir)
    return [row["age_band"].strip() for row in sorted(rows, key=lambda row: int(row["sort_order"]))]


# --- survey (seeds/survey_value_labels.csv) ----------------------------------------------------------------
def survey_value_labels(seeds_dir: Path | None = None) -> list[tuple[str, int, str]]:
    """(variable, code, label) rows: the wordings a .sav may carry for each code."""
    return [(row["variable"], int(row["code"]), row["label"]) for row in read_seed("survey_value_labels", seeds_dir)]


def valid_survey_codes(seeds_dir: Path | None = None) -> dict[str, set[int]]:
    """variable (as the export names it, `Q2`) -> its answer codes: the codes the value labels name."""
    codes: dict[str, set[int]] = {}
    for variable, code, _ in survey_value_labels(seeds_dir):
        codes.setdefault(variable, set()).add(code)
    return codes


# --- dsa (seeds/dsa_harm_groups.csv, seeds/dsa_source_types.csv) -------------------------------------------
def dsa_harm_groups(seeds_dir: Path | None = None) -> list[dict[str, str]]:
    return read_seed("dsa_harm_groups", seeds_dir)


def harm_groups(seeds_dir: Path | None = None) -> list[str]:
    """The harm groups by priority (first match wins)."""
    rows = sorted(dsa_harm_groups(seeds_dir), key=lambda row: int(row["priority"]))
    return _distinct(row["harm_group"] for row in rows)


def scorecard_harm_groups(seeds_dir: Path | None = None) -> list[str]:
    """The harm groups whose trusted-flagger statements the scorecard sets beside the helplines' requests."""
    rows = sorted(dsa_harm_groups(seeds_dir), key=lambda row: int(row["priority"]))
    return _distinct(row["harm_group"] for row in rows if _true(row["scorecard"]))


def dsa_source_types(seeds_dir: Path | None = None) -> dict[str, str]:
    """The dump's source_type API key -> the published source_type."""
    return {row["code"]: row["source_type"] for row in read_seed("dsa_source_types", seeds_dir)}
