"""The sources: one declaration each, from which landing, ingestion, the raw schema, the quality gate and the
drift checks are derived.

A declaration says what its files are called, which reader turns one file into staged rows (a module of
orchestration/ingestion/readers/ over the shared staging engine), the raw table and its columns, which of them
hold pseudonyms, how the quality gate prepares a batch (coded fields mapped to canonical values, derived
columns, references handed over as hashes) and what the drift checks look at. Adding a source is one
declaration here, one reader module and its dbt staging model (README, "Adding a source"); its GX suite is
`expectations/raw_<table>.json`, or, without one, the checks the declaration implies
(`checks/gx_suites.declared_suite`).

The dsa dumps have an engine of their own (orchestration/ingestion/dsa/): their declaration gives the landing
rules only.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from orchestration.privacy import PLATFORM_NAME_TYPE

EXPORT_LINEAGE = """
    load_id        VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    export_date    DATE NOT NULL,
    row_number     BIGINT NOT NULL,"""
WAVE_LINEAGE = """
    load_id        VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    wave           VARCHAR NOT NULL,       -- from the file name; a re-landed wave replaces its rows
    row_number     BIGINT NOT NULL,"""


def days_after_export(instant: str) -> str:
    """Days from the export date (midnight, Belgian time) to an instant read as Belgian local time (SQL)."""
    return f"(epoch(timezone('Europe/Brussels', {instant})) - epoch(export_date::TIMESTAMP)) / 86400"


@dataclass(frozen=True)
class Drift:
    """What the drift checks look at (orchestration/monitoring/checks.py): one row per case or request."""

    relation: str
    month_column: str
    where: str
    distributions: Mapping[str, tuple[str, str]]  # dimension -> (relation, column); same month column and filter
    missing: Mapping[str, str]  # field -> SQL predicate true when the field is empty or recorded as unknown
    unmapped: tuple[str, str]  # (relation, key column) holding platform_name and is_mapped


@dataclass(frozen=True)
class Source:
    """One source of landing files (module docstring)."""

    name: str
    file_pattern: str  # the whole file name; group `date` (YYYYMMDD or YYYY-MM-DD) or `wave`
    expected_name: str  # the pattern as a person reads it, for near-miss notes
    name_start: str  # a name starting like this was meant for the source (near misses)
    unit: str = "cases"  # what one row counts, in alerts
    reader: str | None = None  # "module:function": one file into TEMP staged_rows / staged_rejects
    raw_table: str | None = None  # in schema raw; the Dagster asset and GX suite are raw_<table>
    raw_columns: str = ""  # DDL of the columns after the lineage columns
    lineage: str = EXPORT_LINEAGE
    replaces_by: str | None = None  # a re-landed file replaces the rows with the same value of this column
    pseudonym_columns: tuple[str, ...] = ()  # keyed pseudonyms of references (UHUGEINT)
    legacy_free_text_columns: tuple[str, ...] = ()  # names typed, kept by versions before descriptors
    required: tuple[str, ...] = ()  # columns every loaded row has (checked by the generated suite)
    # how the quality gate prepares a batch (orchestration/checks/frames.py)
    checked_codes: tuple[str, ...] = ()  # coded fields handed over as canonical values
    derived: Mapping[str, str] = field(default_factory=dict)  # column -> SQL over the raw row
    list_columns: tuple[str, ...] = ()  # lists of platform descriptors, handed over as their hashes joined
    struct_columns: tuple[str, ...] = ()  # one platform descriptor, handed over as its hash
    key_columns: tuple[str, ...] = ()  # references, handed over as 64-bit hashes
    load_reference: str | None = None  # the reference that appears once per load
    drift: Drift | None = None

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.file_pattern)

    @property
    def by_wave(self) -> bool:
        """Files named by a wave (the survey), not by an export date."""
        return "wave" in self.pattern.groupindex

    @property
    def compact_date(self) -> bool:
        """Dates written YYYYMMDD (a dashed date is then a near miss); the dsa dumps write YYYY-MM-DD."""
        return r"(?P<date>\d{8})" in self.file_pattern

    @property
    def asset(self) -> str:
        """The Dagster asset that loads the raw table, and the GX suite that checks its batches."""
        return f"raw_{self.raw_table}"

    def read(self) -> Callable:
        """The reader function, imported when first needed (readers pull in DuckDB SQL the landing scan never uses)."""
        module, _, function = (self.reader or "").partition(":")
        return getattr(importlib.import_module(module), function)

    def ddl(self) -> str:
        return f"CREATE TABLE IF NOT EXISTS raw.{self.raw_table} ({self.lineage}{self.raw_columns})"


_CASE_DISTRIBUTIONS = MappingProxyType(
    {
        # platform mix counts mentions: a case naming two platforms counts for each, as in platform_monthly.
        # The chi-square gate then sees a slightly larger n than there are cases; PSI (shares) is unaffected.
        "platform_mix": ("intermediate.int_case_platforms", "platform"),
        "victim_gender": ("intermediate.int_cases", "victim_gender"),
        "victim_age_band": ("intermediate.int_cases", "victim_age_band"),
        "channel": ("intermediate.int_cases", "channel"),
    }
)
_CASE_MISSING = MappingProxyType(
    {
        "victim_age": "victim_age IS NULL",
        "victim_gender": "coalesce(victim_gender, 'unknown') = 'unknown'",
        "region": "coalesce(region, 'unknown') = 'unknown'",
        "channel": "coalesce(channel, 'unknown') = 'unknown'",
        "incident_type": "coalesce(incident_type, 'unknown') = 'unknown'",
        "ai_generated": "ai_generated IS NULL",
        "offender_relation": "coalesce(offender_relation, 'unknown') = 'unknown'",
        "platforms": "coalesce(len(platform_names), 0) = 0",
    }
)


def _case_drift(source: str) -> Drift:
    return Drift(
        relation="intermediate.int_cases",
        month_column="opened_month",
        where=f"source = '{source}'",
        distributions=_CASE_DISTRIBUTIONS,
        missing=_CASE_MISSING,
        unmapped=("intermediate.int_case_platforms", "case_key"),
    )


CHILDFOCUS = Source(
    name="childfocus",
    file_pattern=r"^childfocus_cases_(?P<date>\d{8})\.csv$",
    expected_name="childfocus_cases_YYYYMMDD.csv",
    name_start="childfocus",
    reader="orchestration.ingestion.readers.childfocus:read_childfocus",
    raw_table="childfocus_cases",
    raw_columns=f"""
    dossier_key          UHUGEINT NOT NULL,  -- pseudonym of Dossiernummer
    datum_opening        TIMESTAMPTZ NOT NULL,  -- local Europe/Brussels time, stored as an instant
    datum_afsluiting     TIMESTAMPTZ,
    kanaal               VARCHAR,
    melder               VARCHAR,
    leeftijd_slachtoffer INTEGER,             -- `14 jaar` -> 14; empty -> NULL
    geslacht_slachtoffer VARCHAR,
    provincie            VARCHAR,
    taal                 VARCHAR,
    type_feiten          VARCHAR,
    ai_gegenereerd       VARCHAR,
    platform_names       {PLATFORM_NAME_TYPE}[],  -- one descriptor per name typed (never the name)
    relatie_dader        VARCHAR
""",
    pseudonym_columns=("dossier_key",),
    legacy_free_text_columns=("platformen",),
    required=("dossier_key", "datum_opening"),
    checked_codes=("kanaal", "geslacht_slachtoffer", "provincie", "type_feiten", "ai_gegenereerd"),
    derived={
        "days_after_export_opened": days_after_export("datum_opening"),
        "days_after_export_closed": days_after_export("datum_afsluiting"),
    },
    list_columns=("platform_names",),
    key_columns=("dossier_key",),
    load_reference="dossier_key",
    drift=_case_drift("childfocus"),
)

IGVM = Source(
    name="igvm",
    file_pattern=r"^igvm_reports_(?P<date>\d{8})\.jsonl$",
    expected_name="igvm_reports_YYYYMMDD.jsonl",
    name_start="igvm",
    reader="orchestration.ingestion.readers.igvm:read_igvm",
    raw_table="igvm_reports",
    raw_columns=f"""
    report_key            UHUGEINT NOT NULL,  -- pseudonym of report_id
    submitted_at          TIMESTAMPTZ NOT NULL,
    channel               VARCHAR,
    victim_age            INTEGER,
    victim_gender         VARCHAR,
    victim_region         VARCHAR,
    incident_type         VARCHAR,
    incident_ai_generated BOOLEAN,
    incident_platform_names {PLATFORM_NAME_TYPE}[],  -- one descriptor per name listed (never the name)
    incident_offender     VARCHAR,
    status                VARCHAR
""",
    pseudonym_columns=("report_key",),
    legacy_free_text_columns=("incident_platforms",),
    required=("report_key", "submitted_at"),
    checked_codes=("channel", "victim_gender", "victim_region", "incident_type", "status"),
    derived={"days_after_export_submitted": days_after_export("submitted_at")},
    list_columns=("incident_platform_names",),
    key_columns=("report_key",),
    load_reference="report_key",
    drift=_case_drift("igvm"),
)

TAKEDOWN = Source(
    name="takedown",
    file_pattern=r"^takedown_requests_(?P<date>\d{8})\.csv$",
    expected_name="takedown_requests_YYYYMMDD.csv",
    name_start="takedown",
    unit="requests",
    reader="orchestration.ingestion.readers.takedown:read_takedown",
    raw_table="takedown_requests",
    raw_columns=f"""
    request_id      VARCHAR NOT NULL,
    case_key        UHUGEINT,                 -- pseudonym of case_ref (a Dossiernummer or a report_id)
    platform_name   {PLATFORM_NAME_TYPE},  -- descriptor of the name typed (never the name); NULL when empty
    content_type    VARCHAR,
    submitted_at    TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    resolved_at     TIMESTAMPTZ,
    outcome         VARCHAR
""",
    pseudonym_columns=("case_key",),
    legacy_free_text_columns=("platform",),
    required=("request_id", "submitted_at"),
    checked_codes=("content_type", "outcome"),
    derived={
        "days_after_export_submitted": days_after_export("submitted_at"),
        "hours_to_resolution": "(epoch(resolved_at) - epoch(submitted_at)) / 3600",
    },
    struct_columns=("platform_name",),
    key_columns=("request_id", "case_key"),
    load_reference="request_id",
    drift=Drift(
        relation="intermediate.int_takedown_requests",
        month_column="submitted_month",
        where="true",
        distributions={"platform_mix": ("intermediate.int_takedown_requests", "platform")},
        missing={
            "case_reference": "case_key IS NULL",
            "platform": "coalesce(platform, 'unknown') = 'unknown'",
            "content_type": "content_type IS NULL",
        },
        unmapped=("intermediate.int_takedown_requests", "request_id"),
    ),
)

SURVEY = Source(
    name="survey",
    file_pattern=r"^survey_(?P<wave>[A-Za-z0-9-]+?)(?:_qualtrics\.csv|\.sav)$",
    expected_name="survey_<wave>_qualtrics.csv or survey_<wave>.sav",
    name_start="survey",
    unit="responses",
    reader="orchestration.ingestion.readers.survey:read_survey_into_stage",
    raw_table="survey_responses",
    lineage=WAVE_LINEAGE,
    replaces_by="wave",
    raw_columns="""
    response_id  VARCHAR NOT NULL,       -- Qualtrics ResponseId (no personal data)
    finished     SMALLINT NOT NULL,
    q1 SMALLINT, q2 SMALLINT, q3 SMALLINT, q10 SMALLINT, q11 SMALLINT, q12 SMALLINT, q13 SMALLINT,
    q15_1 SMALLINT, q15_2 SMALLINT, q15_3 SMALLINT, q15_4 SMALLINT, q15_5 SMALLINT, q15_6 SMALLINT,
    q15_7 SMALLINT, q15_8 SMALLINT, q15_9 SMALLINT,
    q16_1 SMALLINT, q16_2 SMALLINT, q16_3 SMALLINT, q16_4 SMALLINT, q16_5 SMALLINT,
    q17 SMALLINT,
    weight DOUBLE                        -- NULL only for unfinished responses (never counted)
""",
    required=("response_id",),
    derived={"finished_weight": "CASE WHEN finished = 1 THEN weight END"},
)

DSA = Source(
    name="dsa",
    # the EU DSA Transparency Database's daily dump, loaded by its own engine (orchestration/ingestion/dsa/)
    file_pattern=r"^sor-global-(?P<date>\d{4}-\d{2}-\d{2})-full\.zip$",
    expected_name="sor-global-YYYY-MM-DD-full.zip",
    name_start="sor-global",
    unit="statements",
)

# In landing order: a name is matched against each pattern in turn.
SOURCES: Mapping[str, Source] = MappingProxyType({s.name: s for s in (CHILDFOCUS, IGVM, TAKEDOWN, SURVEY, DSA)})


def loaded_by_reader() -> list[Source]:
    """The sources whose files a reader loads into a raw table (one Dagster asset each)."""
    return [s for s in SOURCES.values() if s.reader]


def by_asset(asset: str) -> Source:
    return next(s for s in loaded_by_reader() if s.asset == asset)
